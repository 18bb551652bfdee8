/** `npm run seed -- FILE.json`: upserts partners, idempotently, and explains a bad file. */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { findPartner } from '../../src/domain/partners';
import { tableDirectory } from '../../src/storage';

const SEED = join(__dirname, '..', '..', 'dist', 'src', 'local', 'seed.js');
const dir = mkdtempSync(join(tmpdir(), 'seed-'));
const file = (name: string, content: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
};
// Only the storage settings: the seed needs nothing else.
const env = () => ({
  PATH: process.env.PATH,
  TABLES_CONNECTION_STRING: process.env.TABLES_CONNECTION_STRING,
  TABLE_PREFIX: process.env.TABLE_PREFIX,
});
const seed = (path: string) => spawnSync(process.execPath, [SEED, path], { env: env(), encoding: 'utf8' });

describe.skipIf(!existsSync(SEED))('npm run seed', () => {
  it('upserts the partners of a file, idempotently', async () => {
    const reseller = randomUUID();
    const provider = randomUUID();
    const path = file('ok.json', {
      partners: [
        { id: reseller, name: 'Reseller One', kind: 'reseller', indirectProviderIds: [provider] },
        { id: provider, name: 'Provider One', kind: 'indirectProvider' },
      ],
    });
    for (let i = 0; i < 2; i++) {
      const r = seed(path);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('Seeded 2 partner(s)');
    }
    const store = tableDirectory(loadConfig());
    expect(await findPartner(store, reseller)).toEqual({
      id: reseller,
      name: 'Reseller One',
      kind: 'reseller',
      indirectProviderIds: [provider],
    });
    // A changed file updates the entry.
    seed(file('renamed.json', { partners: [{ id: reseller, name: 'Reseller Renamed', kind: 'reseller', indirectProviderIds: [] }] }));
    expect((await findPartner(tableDirectory(loadConfig()), reseller))?.name).toBe('Reseller Renamed');
  });

  it.each([
    ['not JSON', '{', 'Cannot read'],
    ['unknown field', { partners: [{ id: randomUUID(), name: 'x', kind: 'reseller', extra: 1 }] }, 'partners.0'],
    ['bad kind', { partners: [{ id: randomUUID(), name: 'x', kind: 'distributor' }] }, 'partners.0.kind'],
    ['bad id', { partners: [{ id: 'nope', name: 'x', kind: 'reseller' }] }, 'partners.0.id'],
  ])('refuses %s with a clear message', (_label, content, expected) => {
    const r = seed(file(`${randomUUID()}.json`, content));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(expected);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('needs the storage settings', () => {
    const r = spawnSync(process.execPath, [SEED, file('x.json', { partners: [] })], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('TABLES_CONNECTION_STRING');
  });
});
