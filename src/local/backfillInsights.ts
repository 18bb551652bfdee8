/**
 * `npm run backfill:insights [-- PARTNER_ID …]`: counts, once, the invitations and relationships
 * written before the insight counters existed (docs/operator.md). Without IDs: every partner in
 * the operator's listing. Safe to run while the service serves, and to run again.
 */
import { ConfigError, loadStorageConfig } from '../config';
import { UnavailableError } from '../domain/errors';
import { backfillPartner, listedPartnerIds, type BackfillResult } from '../storage/insightBackfill';
import type { Rows } from '../storage/rows';
import { TableRows } from '../storage/tableRows';
import { unreachableStorageMessage } from './storageEndpoint';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Backfills the given partners (else every listed one); reports each partner's counts through `report`. */
export async function backfillInsights(
  rows: Rows,
  partnerIds: string[],
  report: (partnerId: string, result: BackfillResult) => void,
  now: () => Date = () => new Date(),
): Promise<number> {
  const bad = partnerIds.filter((id) => !UUID.test(id));
  if (bad.length) throw new Error(`not partner IDs (tenant UUIDs): ${bad.join(', ')}`);
  let partners = 0;
  const ids: AsyncIterable<string> | string[] = partnerIds.length ? partnerIds : listedPartnerIds(rows);
  for await (const id of ids) {
    report(id, await backfillPartner(rows, id, now()));
    partners++;
  }
  return partners;
}

async function main(): Promise<void> {
  const config = loadStorageConfig();
  const rows = TableRows.fromConfig(config);
  const n = await backfillInsights(rows, process.argv.slice(2), (id, r) =>
    console.log(
      `${id}: counted ${r.invitations} invitation(s), ${r.relationships} relationship(s)${r.raced ? `, ${r.raced} counted by a change meanwhile` : ''}`,
    ),
  ).catch((err: unknown) => {
    if (!(err instanceof UnavailableError)) throw err;
    throw new Error(unreachableStorageMessage(config.tables, 'Is it running (npm start runs one on 127.0.0.1:10002)?'));
  });
  console.log(`Backfilled the insight counters of ${n} partner(s).`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof ConfigError || err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
