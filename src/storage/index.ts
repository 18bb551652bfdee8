/** Storage, assembled: the domain's ports over Azure Table Storage, or over memory (unit tests). */
import { randomBytes } from 'node:crypto';
import { queueNameFor, waitingQueueNameFor, type Config } from '../config';
import type { CustomerLedger, EventQueue, EventRetention, PartnerDirectory, PartnerStore } from '../domain/ports';
import { MemoryEventQueue } from '../queue/memoryQueue';
import { StorageEventQueue } from '../queue/storageQueue';
import { RowCustomerLedger } from './customerLedger';
import type { WarningSchedule } from '../domain/warnings';
import { RowWarningSchedule } from './warningRows';
import { MemoryRows } from './memoryRows';
import { RowPartnerDirectory } from './partnerRows';
import { rowPartnerStore } from './partnerStore';
import { RowEventRetention } from './retention';
import type { Rows } from './rows';
import { TableRows, type TableRowsOptions } from './tableRows';

export interface Storage {
  store: PartnerStore;
  directory: PartnerDirectory;
  /** The customers' side of relationships and the due delegated admin grants (customerLedger.ts). */
  ledger: CustomerLedger;
  /** Due warnings before access ends (warningRows.ts). */
  warnings: WarningSchedule;
  /** The rows underneath (tests and benchmarks read the layout through them). */
  rows: Rows;
  /** The delivery queue every commit announces its events on. */
  queue: EventQueue;
  /** The removal of events past retention (its due rows are written by the store's commits). */
  retention: EventRetention;
}

/** Without a queue, commits announce their events to an in-memory one (unit tests, benchmarks). */
export function storageOver<Q extends EventQueue = MemoryEventQueue>(rows: Rows, cursorKey: string, queue?: Q): Storage & { queue: Q } {
  const q = queue ?? (new MemoryEventQueue() as unknown as Q);
  const retention = new RowEventRetention(rows);
  return {
    store: rowPartnerStore(rows, cursorKey, q, retention),
    retention,
    directory: new RowPartnerDirectory(rows),
    ledger: new RowCustomerLedger(rows, cursorKey),
    warnings: new RowWarningSchedule(rows),
    rows,
    queue: q,
  };
}

export function tableStorage(
  config: Pick<Config, 'tables' | 'tablePrefix' | 'managedIdentityClientId' | 'signingKey' | 'queues'>,
  options: TableRowsOptions = {},
): Storage & { queue: StorageEventQueue } {
  const queue = StorageEventQueue.fromConfig(
    config,
    queueNameFor(config.tablePrefix),
    options.onRoundTrip,
    waitingQueueNameFor(config.tablePrefix),
  );
  return storageOver(TableRows.fromConfig(config, options), config.signingKey, queue);
}

/**
 * The store and directory with the storage settings alone (`npm run seed`): it lists nothing,
 * so its cursors need no shared key.
 */
export function tableSeedStorage(config: Pick<Config, 'tables' | 'tablePrefix' | 'managedIdentityClientId'>): Storage {
  return storageOver(TableRows.fromConfig(config), randomBytes(32).toString('base64url'));
}

/** The partner directory alone (reads). */
export function tableDirectory(config: Pick<Config, 'tables' | 'tablePrefix' | 'managedIdentityClientId'>): PartnerDirectory {
  return new RowPartnerDirectory(TableRows.fromConfig(config));
}

export function memoryStorage(cursorKey = 'memory-cursor-key'): Storage & { rows: MemoryRows; queue: MemoryEventQueue } {
  const rows = new MemoryRows();
  return { ...storageOver(rows, cursorKey, new MemoryEventQueue()), rows };
}
