/**
 * Fast seeding for the benchmark, through the same domain code an acceptance uses
 * (`establish`), batched into transactions of at most 100 writes (as
 * test/support/seedRelationships.ts does).
 */
import { randomUUID } from 'node:crypto';
import type { Rows, WriteOp } from '../src/storage/rows';
import { establish } from '../src/domain/relationships';
import { NAME_INDEX, SEARCH_BUCKET_CHARS, SEARCH_INDEX, hexPrefix, relationshipWrites } from '../src/storage/layout';

export interface Customer {
  customerId: string;
  companyName: string;
  domain: string;
}

// Two of the first words share their first two letters, as real names do (one in four names
// starts with "co"): a search for a longer prefix must then pass over the other names of its
// bucket, which a 101-row answer does not show (see "entities examined" in the report).
const FIRST = ['Coho', 'Contoso', 'Fabrikam', 'Litware', 'Northwind', 'Tailspin', 'Wingtip', 'Woodgrove'];
const SECOND = ['Retail', 'Health', 'Logistics', 'Foods', 'Energy', 'Legal', 'Media', 'Systems', 'Travel', 'Labs'];

/** The prefix searched for: one company in eight starts with it, in its name and its domain. */
export const SEARCH_PREFIX = 'contoso';

/**
 * `n` customers, names spread over the alphabet (so the name order is not the insertion
 * order), each with a domain derived from its name, as most companies have.
 */
export function makeCustomers(n: number): Customer[] {
  return Array.from({ length: n }, (_, i) => {
    const h = Math.imul(i + 1, 2654435761) >>> 0;
    const first = FIRST[h % FIRST.length]!;
    const second = SECOND[(h >>> 8) % SECOND.length]!;
    const number = String(i + 1).padStart(6, '0');
    return {
      customerId: randomUUID(),
      companyName: `${first} ${second} ${number}`,
      domain: `${first}-${second}-${number}.example`.toLowerCase(),
    };
  });
}

export interface SeedOptions {
  /**
   * `full`: every row but the audit events (a removal rewrites all of a relationship's rows).
   * `measured`: what the measured reads use: the `active` name index, the whole search bucket
   * the bench searches (`SEARCH_PREFIX`'s), and the relationship row only for the first
   * `relationshipRows` customers (those `get` reads). The `all` index rows, the other search
   * buckets, the other relationship rows and the audit events are left out of the big
   * partitions because Azurite's cost per insert grows with the partition (see
   * docs/performance.md); a range read on Azure Table Storage does not depend on them.
   */
  layout: 'full' | 'measured';
  relationshipRows?: number;
  onProgress?: (rows: number, total: number) => void;
  concurrency?: number;
  /** Tries again a transaction storage did not answer in time (as upserts: it may have landed). Default 0. */
  retries?: number;
  /** Writes per transaction (default 100, the most a transaction takes). */
  perCommit?: number;
}

/** The `active` name index rows, and the `active` search rows of the bucket the bench searches. */
const SEARCHED_BUCKET = `${SEARCH_INDEX}active|${hexPrefix(SEARCH_PREFIX, SEARCH_BUCKET_CHARS)}|`;
const isMeasuredIndexRow = (rk: string) => rk.startsWith(`${NAME_INDEX}active|`) || rk.startsWith(SEARCHED_BUCKET);
const RELATIONSHIP_ROW = /^rel\|/;
const AUDIT_ROW = /^(aud|auc)\|/;

/**
 * Writes active relationships for `customers`, as an acceptance would (`establish`), in
 * transactions of at most 100 writes. The rows are new, so the index rows are inserted rather
 * than upserted (the same rows, one storage lookup fewer each). Returns the rows written.
 */
export async function seedRelationships(store: Rows, partnerId: string, customers: Customer[], options: SeedOptions): Promise<number> {
  const actor = { id: 'bench-seed', name: 'bench seed', tenantId: partnerId };
  const batches: WriteOp[][] = [[]];
  const now = new Date();
  const withRow = options.relationshipRows ?? customers.length;
  let rows = 0;
  for (const [i, c] of customers.entries()) {
    const { relationship } = establish(
      undefined,
      {
        partnerId,
        customerId: c.customerId,
        companyName: c.companyName,
        domain: c.domain,
        role: 'reseller',
        invitationId: 'seeded',
        actor,
      },
      now,
    );
    const ops = relationshipWrites(undefined, relationship);
    const keep = (rk: string) =>
      options.layout === 'full' ? !AUDIT_ROW.test(rk) : isMeasuredIndexRow(rk) || (RELATIONSHIP_ROW.test(rk) && i < withRow);
    const kept = ops
      .filter((op) => keep(op.rk))
      .map((op): WriteOp => (op.kind === 'put' ? { kind: 'insert', rk: op.rk, data: op.data } : op));
    if (batches.at(-1)!.length + kept.length > (options.perCommit ?? 100)) batches.push([]);
    batches.at(-1)!.push(...kept);
    rows += kept.length;
  }
  let next = 0;
  let done = 0;
  let told = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency ?? 2 }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        if (batch.length) await commitWithRetries(store, partnerId, batch, options.retries ?? 0);
        done += batch.length;
        if (options.onProgress && performance.now() - told > 15_000) {
          told = performance.now();
          options.onProgress(done, rows);
        }
      }
    }),
  );
  return rows;
}

async function commitWithRetries(store: Rows, partnerId: string, batch: WriteOp[], retries: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await store.commit(
        'data',
        partnerId,
        attempt === 0 ? batch : batch.map((op) => (op.kind === 'insert' ? { ...op, kind: 'put' } : op)),
      );
      return;
    } catch (err) {
      if (attempt >= retries) throw err;
    }
  }
}

/** Runs `task` for each item, `concurrency` at a time, and returns the results in order. */
export async function mapConcurrent<T, R>(items: T[], concurrency: number, task: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await task(items[i]!, i);
      }
    }),
  );
  return out;
}
