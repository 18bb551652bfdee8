/**
 * The adapters every contract case runs against: memory always, Azure Table Storage (on the
 * run's Azurite) when the run has one (`npm test`; `npm run test:unit` runs memory alone).
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { storageOver, type Storage } from '../../src/storage';
import { MemoryRows } from '../../src/storage/memoryRows';
import type { Rows } from '../../src/storage/rows';
import { TableRows } from '../../src/storage/tableRows';

export interface Adapter {
  name: string;
  rows: () => Rows;
  storage: () => Storage;
}

const key = randomBytes(16).toString('hex');

function tables(): Rows {
  const connectionString = inject('tablesConnectionString');
  return TableRows.fromConfig({
    tables: { connectionString },
    tablePrefix: `c${randomBytes(5).toString('hex')}`,
    managedIdentityClientId: undefined,
  });
}

export const adapters: Adapter[] = [
  { name: 'memory', rows: () => new MemoryRows(), storage: () => storageOver(new MemoryRows(), key) },
  ...(inject('tablesConnectionString')
    ? [{ name: 'table storage (Azurite)', rows: tables, storage: () => storageOver(tables(), key) }]
    : []),
];
