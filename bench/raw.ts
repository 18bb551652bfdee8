/**
 * The raw @azure/data-tables operations the endpoints need, on the same Azurite and table as
 * the service, through a plain client (no retry policy, no adapter, no domain code): the floor
 * an endpoint is compared with.
 */
import { RestError, TableClient, odata, type TableEntity, type TransactionAction } from '@azure/data-tables';
import { randomUUID } from 'node:crypto';
import type { WriteOp } from '../src/storage/rows';

const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

export class RawTables {
  private readonly client: TableClient;

  constructor(connectionString: string, table: string) {
    this.client = TableClient.fromConnectionString(connectionString, table, { allowInsecureConnection: true });
  }

  /** The first page (at most `limit` rows) of a row-key range of one partition: one round trip. */
  async rangePage(pk: string, from: string, to: string, limit: number): Promise<number> {
    const filter = odata`PartitionKey eq ${pk} and RowKey ge ${from} and RowKey lt ${to}`;
    const pages = this.client.listEntities({ queryOptions: { filter } }).byPage({ maxPageSize: limit });
    const first = await pages.next();
    return first.done ? 0 : first.value.length;
  }

  /** A point read: the row's etag, or undefined when it is missing (a 404 is an answer too). */
  async pointRead(pk: string, rk: string): Promise<string | undefined> {
    try {
      return (await this.client.getEntity(pk, rk)).etag;
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  /** How many rows of a partition have a row key in [from, to), or in [from, through] when given. */
  async countRange(pk: string, from: string, to: string, through?: string): Promise<number> {
    const filter = through
      ? odata`PartitionKey eq ${pk} and RowKey ge ${from} and RowKey le ${through}`
      : odata`PartitionKey eq ${pk} and RowKey ge ${from} and RowKey lt ${to}`;
    let n = 0;
    for await (const page of this.client.listEntities({ queryOptions: { filter, select: ['RowKey'] } }).byPage({ maxPageSize: 1000 }))
      n += page.length;
    return n;
  }

  async insert(entity: TableEntity): Promise<void> {
    await this.client.createEntity(entity);
  }

  /** One entity group transaction; a single action as a plain call, as the service does. */
  async submit(actions: TransactionAction[]): Promise<void> {
    if (actions.length !== 1) {
      await this.client.submitTransaction(actions);
      return;
    }
    const [kind, entity] = actions[0]!;
    if (kind === 'create') await this.client.createEntity(entity);
    else if (kind === 'delete') await this.client.deleteEntity(entity.partitionKey, entity.rowKey);
    else if (kind === 'upsert') await this.client.upsertEntity(entity, 'Replace');
    else await this.client.updateEntity(entity, 'Replace', { etag: actions[0]![3]?.etag ?? '*' });
  }
}

/**
 * The actions of a commit the service made (captured while its round trips were counted),
 * replayed on other rows: the same kinds of writes with the same payloads. Every ID in a row
 * key is mapped through `ids`, or to a fresh ID (the same one throughout the commit), so that
 * the replay updates and deletes rows that exist and inserts rows that do not. `etags` guards
 * the replaced rows, by their new row key.
 */
export function replayActions(
  pk: string,
  ops: WriteOp[],
  ids: Map<string, string>,
  etags: Map<string, string> = new Map(),
): TransactionAction[] {
  const fresh = new Map<string, string>();
  const mapId = (id: string) => {
    const known = ids.get(id) ?? fresh.get(id);
    if (known) return known;
    const made = randomUUID();
    fresh.set(id, made);
    return made;
  };
  return ops.map((op): TransactionAction => {
    const rowKey = op.rk.replace(UUIDS, mapId);
    const entity: TableEntity = { partitionKey: pk, rowKey, ...(op.kind === 'delete' ? {} : op.data) };
    switch (op.kind) {
      case 'insert':
        return ['create', entity];
      case 'put':
        return ['upsert', entity, 'Replace'];
      case 'replace':
        return ['update', entity, 'Replace', { etag: etags.get(rowKey) ?? '*' }];
      case 'delete':
        return ['delete', entity];
    }
  });
}

/** The ID in the key of the row a commit replaces (the invitation accepted, the relationship removed). */
export function replacedId(ops: WriteOp[]): string {
  const id = ops.find((op) => op.kind === 'replace')?.rk.match(UUIDS)?.[0];
  if (!id) throw new Error('the captured commit replaces no row with an ID in its key');
  return id;
}
