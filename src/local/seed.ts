/** `npm run seed -- FILE.json`: upserts the partners of FILE into the configured store. */
import { readFileSync } from 'node:fs';
import { SeedFileSchema } from '../api/schemas';
import { ConfigError, loadStorageConfig } from '../config';
import { AppError, UnavailableError } from '../domain/errors';
import { fieldErrors } from '../http/problem';
import { enrolPartners } from '../domain/operator';
import type { Deps } from '../domain/ports';
import { systemClock } from '../deps';
import { tableSeedStorage } from '../storage';
import { unreachableStorageMessage } from './storageEndpoint';

/** Upserts through the operator's use case (audited as `npm run seed`); a suspended partner stays suspended. */
export async function seedFile(deps: Pick<Deps, 'store' | 'directory' | 'clock'>, file: string): Promise<number> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read ${file} as JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = SeedFileSchema.safeParse(json);
  if (!parsed.success) {
    const lines = Object.entries(fieldErrors(parsed.error)).map(([k, v]) => `  ${k}: ${v.join('; ')}`);
    throw new Error(`${file} is not a valid partner file:\n${lines.join('\n')}`);
  }
  for (const p of parsed.data.partners) {
    if (p.indirectProviderIds.includes(p.id)) throw new Error(`${file}: partner ${p.id} lists itself as its provider`);
  }
  // Providers first: a reseller's linked providers must be enrolled before it.
  const all = parsed.data.partners;
  for (const p of [...all.filter((x) => x.kind === 'indirectProvider'), ...all.filter((x) => x.kind !== 'indirectProvider')]) {
    try {
      await enrolPartners(deps, [p]);
    } catch (err) {
      if (!(err instanceof AppError) || err.kind !== 'invalid') throw err;
      const lines = Object.entries(err.errors ?? {}).map(([k, v]) => `  ${k}: ${v.join('; ')}`);
      throw new Error(`${file}: partner ${p.id} (${p.name}): ${err.detail}\n${lines.join('\n')}`);
    }
  }
  return parsed.data.partners.length;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: npm run seed -- FILE.json');
  const config = loadStorageConfig();
  const n = await seedFile({ ...tableSeedStorage(config), clock: systemClock }, file).catch((err: unknown) => {
    if (!(err instanceof UnavailableError)) throw err;
    throw new Error(unreachableStorageMessage(config.tables, 'Is it running (npm start runs one on 127.0.0.1:10002)?'));
  });
  console.log(`Seeded ${n} partner(s) from ${file}.`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof ConfigError || err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
