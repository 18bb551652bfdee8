/** Storage, assembled: the domain's ports over Azure Table Storage, or over memory (unit tests). */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import type { CustomerLedger, PartnerDirectory, PartnerStore } from '../domain/ports';
import { RowCustomerLedger } from './customerLedger';
import { MemoryRows } from './memoryRows';
import { RowPartnerDirectory, RowPartnerStore } from './partnerStore';
import type { Rows } from './rows';
import { TableRows, type TableRowsOptions } from './tableRows';

export interface Storage {
  store: PartnerStore;
  directory: PartnerDirectory;
  /** The customers' side of relationships and the due delegated admin grants (customerLedger.ts). */
  ledger: CustomerLedger;
  /** The rows underneath (tests and benchmarks read the layout through them). */
  rows: Rows;
}

export function storageOver(rows: Rows, cursorKey: string): Storage {
  return {
    store: new RowPartnerStore(rows, cursorKey),
    directory: new RowPartnerDirectory(rows),
    ledger: new RowCustomerLedger(rows, cursorKey),
    rows,
  };
}

export function tableStorage(
  config: Pick<Config, 'tables' | 'tablePrefix' | 'managedIdentityClientId' | 'signingKey'>,
  options: TableRowsOptions = {},
): Storage {
  return storageOver(TableRows.fromConfig(config, options), config.signingKey);
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

export function memoryStorage(cursorKey = 'memory-cursor-key'): Storage & { rows: MemoryRows } {
  const rows = new MemoryRows();
  return { ...storageOver(rows, cursorKey), rows };
}
