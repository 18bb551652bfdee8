/**
 * Azure Table Storage rows (see rows.ts). The only module that imports `@azure/data-tables`. Storage failures are read here, in one place: etag/exists conflicts
 * become WriteConflict, anything that means "storage is not answering" becomes UnavailableError.
 */
import {
  RestError,
  TableClient,
  TableServiceClient,
  odata,
  type TableEntity,
  type TableEntityResult,
  type TableServiceClientOptions,
  type TransactionAction,
} from '@azure/data-tables';
import type { Config } from '../config';
import { UnavailableError, WriteConflict } from '../domain/errors';
import type { Condition, RangeQuery, RowData, Rows, StoredRow, TableName, Value, WriteOp } from './rows';
import { azureCredential } from '../identity';

type StorageConfig = Pick<Config, 'tables' | 'tablePrefix' | 'managedIdentityClientId'>;

const TABLES: Record<TableName, string> = { partners: 'partners', data: 'data' };

/** Bounded retries and a per-try timeout: a request can never hang on storage. */
const TRY_TIMEOUT_MS = 3000;
const CLIENT_OPTIONS: TableServiceClientOptions = {
  retryOptions: { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000 },
  additionalPolicies: [
    {
      position: 'perRetry',
      policy: {
        name: 'tryTimeout',
        sendRequest: (request, next) => {
          request.timeout = TRY_TIMEOUT_MS;
          return next(request);
        },
      },
    },
  ],
};

export function tableName(prefix: string, table: TableName): string {
  return `${prefix}${TABLES[table]}`;
}

/** Reads the status and code of a storage error wherever the SDK put them. */
export function storageErrorInfo(err: unknown): { status: number | undefined; code: string | undefined } {
  if (err instanceof RestError) {
    const details = err.details as { odataError?: { code?: string }; errorCode?: string } | undefined;
    return { status: err.statusCode, code: details?.odataError?.code ?? details?.errorCode ?? err.code };
  }
  if (err && typeof err === 'object') {
    const e = err as { statusCode?: unknown; code?: unknown };
    return {
      status: typeof e.statusCode === 'number' ? e.statusCode : undefined,
      code: typeof e.code === 'string' ? e.code : undefined,
    };
  }
  return { status: undefined, code: undefined };
}

/**
 * Storage cannot be reached: the request got no answer (refused, reset, timed out, aborted), or
 * storage answered that it is too busy to take requests (503 ServerBusy) or timed out (408).
 * Any other answer, a 500 included, is storage's answer to THIS request (Azurite's batch parser
 * failing on one body, say): not an outage, so not a 503; it is reported as an internal error
 * with what storage said (see storageFailure).
 */
export function isUnavailable(err: unknown): boolean {
  const { status, code } = storageErrorInfo(err);
  if (status !== undefined) return status === 408 || status === 503;
  if (err instanceof RestError) return true;
  const name = err instanceof Error ? err.name : '';
  return name === 'AbortError' || name === 'TimeoutError' || /^E[A-Z]+$/.test(code ?? '');
}

/** An answer of storage that is neither a conflict nor an outage: a 500 with what storage said in the log. */
export class StorageFailure extends Error {
  override name = 'StorageFailure';
  constructor(
    readonly operation: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
    cause: unknown,
  ) {
    super(
      `storage answered ${status ?? 'without a status'}${code ? ` ${code}` : ''} to ${operation}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/** What a storage error becomes: UnavailableError when storage cannot be reached, else a StorageFailure. */
function storageFailure(err: unknown, operation: string): Error {
  if (isUnavailable(err)) return unavailable(err);
  if (err instanceof StorageFailure || err instanceof UnavailableError) return err;
  const { status, code } = storageErrorInfo(err);
  return new StorageFailure(operation, status, code, err);
}

/** The table itself is gone (storage was wiped or re-created while this instance ran). */
function tableMissing(err: unknown): boolean {
  const { status, code } = storageErrorInfo(err);
  return status === 404 && code === 'TableNotFound';
}

function unavailable(err: unknown): UnavailableError {
  return new UnavailableError('Storage is not reachable right now; try again shortly.', err);
}

/** Each comparison through the odata tag, which quotes and escapes the value. */
const COMPARE: Record<Condition['op'], (v: Value) => string> = {
  eq: (v) => odata` eq ${v}`,
  ne: (v) => odata` ne ${v}`,
  lt: (v) => odata` lt ${v}`,
  ge: (v) => odata` ge ${v}`,
  gt: (v) => odata` gt ${v}`,
};

/** Property conditions as OData; property names are ours (never client input). */
function conditions(where: Condition[]): string[] {
  return where.map((c) => {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(c.prop)) throw new Error(`bad property name ${c.prop}`);
    return `${c.prop}${COMPARE[c.op](c.value)}`;
  });
}

const SYSTEM_PROPS = new Set(['partitionKey', 'rowKey', 'etag', 'timestamp', 'odata.metadata', 'Timestamp']);

function toRow(entity: TableEntityResult<Record<string, unknown>>): StoredRow {
  const data: RowData = {};
  for (const [k, v] of Object.entries(entity)) {
    if (SYSTEM_PROPS.has(k)) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') data[k] = v;
  }
  return { pk: entity.partitionKey ?? '', rk: entity.rowKey ?? '', etag: entity.etag, data };
}

export interface TableRowsOptions {
  /** Counts every storage round trip (benchmarks and tests read it). */
  onRoundTrip?: (op: string) => void;
}

export class TableRows implements Rows {
  private readonly clients = new Map<TableName, TableClient>();
  private readonly creating = new Map<TableName, Promise<void>>();

  constructor(
    private readonly service: TableServiceClient,
    private readonly makeClient: (name: string) => TableClient,
    private readonly prefix: string,
    private readonly options: TableRowsOptions = {},
  ) {}

  static fromConfig(config: StorageConfig, options: TableRowsOptions = {}): TableRows {
    const t = config.tables;
    if ('connectionString' in t) {
      const allowInsecureConnection = /DefaultEndpointsProtocol=http;|TableEndpoint=http:|UseDevelopmentStorage=true/i.test(
        t.connectionString,
      );
      const opts = { ...CLIENT_OPTIONS, allowInsecureConnection };
      return new TableRows(
        TableServiceClient.fromConnectionString(t.connectionString, opts),
        (name) => TableClient.fromConnectionString(t.connectionString, name, opts),
        config.tablePrefix,
        options,
      );
    }
    const credential = azureCredential(config.managedIdentityClientId);
    return new TableRows(
      new TableServiceClient(t.endpoint, credential, CLIENT_OPTIONS),
      (name) => new TableClient(t.endpoint, name, credential, CLIENT_OPTIONS),
      config.tablePrefix,
      options,
    );
  }

  private count(op: string): void {
    this.options.onRoundTrip?.(op);
  }

  private client(table: TableName): TableClient {
    let client = this.clients.get(table);
    if (!client) {
      client = this.makeClient(tableName(this.prefix, table));
      this.clients.set(table, client);
    }
    return client;
  }

  /**
   * Tables are not created up front (in Azure the Bicep creates them, so no request pays for
   * it): a write that finds its table missing (a fresh Azurite, or storage wiped while this
   * instance ran) creates it and is tried once more. Reads of a missing table find nothing.
   */
  private async create(table: TableName): Promise<void> {
    let creating = this.creating.get(table);
    if (!creating) {
      const client = this.client(table);
      creating = (async () => {
        this.count('createTable');
        try {
          await client.createTable(); // the SDK treats "already exists" as success
        } catch (err) {
          if (storageErrorInfo(err).status !== 409) throw storageFailure(err, 'createTable');
        }
      })().finally(() => this.creating.delete(table));
      this.creating.set(table, creating);
    }
    await creating;
  }

  async get(table: TableName, pk: string, rk: string): Promise<StoredRow | undefined> {
    this.count('get');
    try {
      return toRow(await this.client(table).getEntity<Record<string, unknown>>(pk, rk));
    } catch (err) {
      // A missing row, or a missing table (nothing in it).
      if (storageErrorInfo(err).status === 404) return undefined;
      throw storageFailure(err, 'get');
    }
  }

  async range(table: TableName, pk: string, q: RangeQuery): Promise<StoredRow[]> {
    const any = q.anyOf?.length ? [`(${q.anyOf.map((group) => `(${conditions(group).join(' and ')})`).join(' or ')})`] : [];
    const filter = [odata`PartitionKey eq ${pk} and RowKey ge ${q.from} and RowKey lt ${q.to}`, ...conditions(q.where ?? []), ...any].join(
      ' and ',
    );
    return this.query(table, filter, q.limit);
  }

  private async query(table: TableName, filter: string, limit: number): Promise<StoredRow[]> {
    const rows: StoredRow[] = [];
    try {
      const pages = this.client(table)
        .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
        .byPage({ maxPageSize: Math.min(1000, limit) });
      for await (const page of pages) {
        this.count('query');
        for (const e of page) {
          rows.push(toRow(e));
          if (rows.length >= limit) return rows;
        }
      }
    } catch (err) {
      if (tableMissing(err)) return [];
      throw storageFailure(err, 'query');
    }
    return rows;
  }

  async commit(table: TableName, pk: string, ops: WriteOp[]): Promise<Map<string, string>> {
    if (ops.length === 0) return new Map();
    if (ops.length > 100) throw new Error(`a commit holds at most 100 writes (got ${ops.length})`);
    try {
      return await this.write(table, pk, ops);
    } catch (err) {
      if (!tableMissing(err)) throw this.commitError(err);
    }
    await this.create(table);
    try {
      return await this.write(table, pk, ops);
    } catch (err) {
      throw this.commitError(err);
    }
  }

  private async write(table: TableName, pk: string, ops: WriteOp[]): Promise<Map<string, string>> {
    const client = this.client(table);
    const entity = (rk: string, data: RowData = {}): TableEntity => ({ partitionKey: pk, rowKey: rk, ...data });
    this.count('commit');
    if (ops.length === 1) return this.single(client, ops[0]!, entity);
    const actions: TransactionAction[] = ops.map((op) => {
      switch (op.kind) {
        case 'insert':
          return ['create', entity(op.rk, op.data)];
        case 'replace':
          return ['update', entity(op.rk, op.data), 'Replace', { etag: op.etag }];
        case 'put':
          return ['upsert', entity(op.rk, op.data), 'Replace'];
        case 'delete':
          return ['delete', entity(op.rk)];
      }
    });
    const result = await client.submitTransaction(actions);
    // Sub-responses come back in the order of the operations. (Their `rowKey` is read from a
    // URL-encoded Location header, and their etag keeps the header line's \r: use neither as is.)
    const etags = new Map<string, string>();
    ops.forEach((op, i) => {
      const etag = result.subResponses[i]?.etag?.trim();
      if (etag && op.kind !== 'delete') etags.set(op.rk, etag);
    });
    return etags;
  }

  /** One write needs no batch: a plain call is one round trip too, and cheaper. */
  private async single(client: TableClient, op: WriteOp, entity: (rk: string, data?: RowData) => TableEntity) {
    let etag: string | undefined;
    switch (op.kind) {
      case 'insert':
        etag = (await client.createEntity(entity(op.rk, op.data))).etag;
        break;
      case 'replace':
        etag = (await client.updateEntity(entity(op.rk, op.data), 'Replace', { etag: op.etag })).etag;
        break;
      case 'put':
        etag = (await client.upsertEntity(entity(op.rk, op.data), 'Replace')).etag;
        break;
      case 'delete':
        try {
          await client.deleteEntity(entity(op.rk).partitionKey, op.rk);
        } catch (err) {
          if (storageErrorInfo(err).status !== 404 || tableMissing(err)) throw err;
        }
        break;
    }
    return new Map(etag ? [[op.rk, etag]] : []);
  }

  private commitError(err: unknown): Error {
    const { status, code } = storageErrorInfo(err);
    if (status === 412 || code === 'UpdateConditionNotSatisfied') return new WriteConflict('version');
    if (status === 409 || code === 'EntityAlreadyExists') return new WriteConflict('exists');
    if (status === 404 || code === 'ResourceNotFound') return new WriteConflict('missing');
    return storageFailure(err, 'commit');
  }

  async ping(): Promise<void> {
    this.count('ping');
    try {
      await this.service.getProperties();
    } catch (err) {
      throw storageFailure(err, 'ping');
    }
  }
}
