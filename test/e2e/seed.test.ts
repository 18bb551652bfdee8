/** `npm run seed -- FILE.json`: upserts partners, idempotently, and explains a bad file. */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { freePort } from '../../src/local/azurite';
import { findPartner } from '../../src/domain/partners';
import { putPartner } from '../../src/domain/operator';
import { systemClock } from '../../src/deps';
import { tableDirectory, tableSeedStorage } from '../../src/storage';

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
      status: 'active',
    });
    // Through the operator's use case: audited in the partner's data, once (the second run changed nothing).
    const storage = tableSeedStorage(loadConfig());
    const audit = async (id: string) => (await storage.store.auditEvents(id, {}, { pageSize: 50 })).items;
    for (const id of [reseller, provider]) {
      const events = await audit(id);
      expect(events.map((e) => e.action)).toEqual(['partner.enrolled']);
      expect(events[0]!.actor).toEqual({ id: 'seed', name: 'npm run seed', tenantId: 'operator' });
    }
    expect((await storage.store.partnerRecords({ pageSize: 500 })).items.map((p) => p.id)).toEqual(
      expect.arrayContaining([reseller, provider]),
    );
    // A changed file updates the entry.
    seed(file('renamed.json', { partners: [{ id: reseller, name: 'Reseller Renamed', kind: 'reseller', indirectProviderIds: [] }] }));
    expect((await findPartner(tableDirectory(loadConfig()), reseller))?.name).toBe('Reseller Renamed');
    expect((await audit(reseller)).map((e) => e.action)).toEqual(['partner.updated', 'partner.enrolled']);
    // The seed keeps a suspended partner suspended.
    const deps = { ...storage, clock: systemClock };
    await putPartner(deps, { id: 'op', name: 'Operator', tenantId: 'operator' }, reseller, {
      name: 'Reseller Renamed',
      kind: 'reseller',
      indirectProviderIds: [],
      status: 'suspended',
    });
    expect(seed(file('renamed.json', { partners: [{ id: reseller, name: 'Reseller Renamed', kind: 'reseller' }] })).status).toBe(0);
    expect((await storage.store.partnerRecord(reseller))?.value.status).toBe('suspended');
  });

  it('refuses a file linking a provider that is not enrolled (nothing of that partner is written)', async () => {
    const lonely = randomUUID();
    const r = seed(
      file('unlinked.json', { partners: [{ id: lonely, name: 'Lonely', kind: 'reseller', indirectProviderIds: [randomUUID()] }] }),
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('indirectProviderIds.0: is not an enrolled partner');
    expect(await findPartner(tableDirectory(loadConfig()), lonely)).toBeUndefined();
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

  it('names the endpoint of a storage that does not answer (and not its key)', async () => {
    const nothing = await freePort();
    const cs = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${'k'.repeat(86)}==;TableEndpoint=http://127.0.0.1:${nothing}/devstoreaccount1;`;
    const r = spawnSync(process.execPath, [SEED, file('few.json', { partners: [{ id: randomUUID(), name: 'x', kind: 'reseller' }] })], {
      env: { PATH: process.env.PATH, TABLES_CONNECTION_STRING: cs },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `Table Storage does not answer at http://127.0.0.1:${nothing}/devstoreaccount1 (from TABLES_CONNECTION_STRING)`,
    );
    expect(r.stderr).not.toContain('kkkk');
  });

  it('needs the storage settings', () => {
    const r = spawnSync(process.execPath, [SEED, file('x.json', { partners: [] })], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('TABLES_CONNECTION_STRING');
  });
});

describe('npm run seed runs from the build when it is fresh', () => {
  const script = join(__dirname, '..', '..', 'scripts', 'build-if-stale.mjs');
  const buildIfStale = (cwd: string) => {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [script.startsWith(cwd) ? script : join(cwd, 'scripts', 'build-if-stale.mjs')], {
      cwd,
      encoding: 'utf8',
    });
    return { ...r, ms: Date.now() - t0 };
  };

  it('after `npm run build` (as npm test does) nothing is compiled', () => {
    const r = buildIfStale(join(__dirname, '..', '..'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('compiling');
    expect(r.ms).toBeLessThan(3000);
  });

  it('a newer source compiles first; a failed compile removes the built seed so the next run compiles again', () => {
    // A project of two files, with the real script and the real TypeScript.
    const p = mkdtempSync(join(tmpdir(), 'fresh-build-'));
    for (const d of ['scripts', 'src/local', 'functions', 'dist/src/local']) mkdirSync(join(p, d), { recursive: true });
    copyFileSync(script, join(p, 'scripts', 'build-if-stale.mjs'));
    symlinkSync(join(__dirname, '..', '..', 'node_modules'), join(p, 'node_modules'));
    writeFileSync(
      join(p, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { outDir: 'dist', rootDir: '.', strict: true, module: 'commonjs', types: [], skipLibCheck: true },
      }),
    );
    writeFileSync(
      join(p, 'tsconfig.build.json'),
      JSON.stringify({ extends: './tsconfig.json', include: ['src/**/*.ts', 'functions/**/*.ts'] }),
    );
    const source = join(p, 'src', 'local', 'seed.ts');
    const built = join(p, 'dist', 'src', 'local', 'seed.js');
    writeFileSync(source, 'export const seeded: number = 1;\n');
    writeFileSync(built, '// an old build\n');
    const past = new Date(Date.now() - 60_000);
    utimesSync(source, past, past);
    utimesSync(join(p, 'tsconfig.json'), past, past);
    utimesSync(join(p, 'tsconfig.build.json'), past, past);

    let r = buildIfStale(p);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('compiling');

    const stale = statSync(built).mtimeMs;
    utimesSync(source, new Date(), new Date(stale + 5000));
    r = buildIfStale(p);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stderr).toContain('compiling');
    expect(statSync(built).mtimeMs).toBeGreaterThan(stale);

    writeFileSync(source, 'export const seeded: number = "not a number";\n');
    utimesSync(source, new Date(), new Date(Date.now() + 10_000));
    r = buildIfStale(p);
    expect(r.status).not.toBe(0);
    expect(existsSync(built)).toBe(false);
  }, 90_000);
});
