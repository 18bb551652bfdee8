/** `npm run seed -- FILE.json`: upserts the partners of FILE into the configured store. */
import { readFileSync } from 'node:fs';
import { SeedFileSchema } from '../api/schemas';
import { ConfigError, loadStorageConfig } from '../config';
import { UnavailableError } from '../domain/errors';
import { fieldErrors } from '../http/problem';
import { enrolPartners } from '../domain/partners';
import type { PartnerDirectory } from '../domain/ports';
import { tableDirectory } from '../storage';
import { unreachableStorageMessage } from './storageEndpoint';

export async function seedFile(directory: PartnerDirectory, file: string): Promise<number> {
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
  const ids = new Set(parsed.data.partners.map((p) => p.id));
  for (const p of parsed.data.partners) {
    if (p.indirectProviderIds.includes(p.id)) throw new Error(`${file}: partner ${p.id} lists itself as its provider`);
  }
  await enrolPartners(directory, parsed.data.partners);
  const unknown = parsed.data.partners.flatMap((p) => p.indirectProviderIds).filter((id) => !ids.has(id));
  if (unknown.length) console.warn(`note: provider IDs not in this file (must already be enrolled): ${[...new Set(unknown)].join(', ')}`);
  return parsed.data.partners.length;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: npm run seed -- FILE.json');
  const config = loadStorageConfig();
  const n = await seedFile(tableDirectory(config), file).catch((err: unknown) => {
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
