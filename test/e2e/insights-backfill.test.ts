/**
 * `npm run backfill:insights` as an operator runs it: the built command against the run's Azurite,
 * on a partner whose rows were written before the counters. Its counts become what the records
 * say, a second run counts nothing, and a bad argument stops it with a message.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accept, invite } from '../support/fixtures';
import { adminOf, call, customerAdmin, seedWorld, startService, type Service } from '../support/harness';
import { makeLegacy } from '../support/legacyRows';

const BACKFILL = join(__dirname, '..', '..', 'dist', 'src', 'local', 'backfillInsights.js');

let svc: Service;
beforeAll(async () => (svc = await startService()));
afterAll(() => svc?.close());

const backfill = (...args: string[]) => {
  const tables = svc.deps.config.tables;
  return spawnSync(process.execPath, [BACKFILL, ...args], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      TABLES_CONNECTION_STRING: 'connectionString' in tables ? tables.connectionString : '',
      TABLE_PREFIX: svc.deps.config.tablePrefix,
    },
  });
};

describe.skipIf(!existsSync(BACKFILL))('npm run backfill:insights', () => {
  it('counts a partner written before the counters once, as its records say; again counts nothing', async () => {
    const p = (await seedWorld(svc.deps)).reseller;
    const as = adminOf(p);
    const invs = await Promise.all(
      [0, 1, 2].map((i) => invite(svc, p, { customer: { companyName: `Legacy ${i}`, email: `it${i}@legacy.example` } })),
    );
    await accept(svc, invs[0]!);
    expect((await call(svc, 'POST', invs[1]!.path, { as: customerAdmin(), body: { decision: 'decline' } })).status).toBe(200);
    const truth = (await call(svc, 'GET', '/api/insights', { as })).body;
    expect(truth.invitations).toMatchObject({ pending: 1, accepted: 1, declined: 1 });

    await makeLegacy(svc.rows, p.id);
    const before = (await call(svc, 'GET', '/api/insights', { as })).body;
    expect(before.invitations).toMatchObject({ pending: 0, accepted: 0, declined: 0 });
    expect(before.relationships.active).toBe(0);

    const first = backfill(p.id);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain(`${p.id}: counted 3 invitation(s), 1 relationship(s)`);
    const after = (await call(svc, 'GET', '/api/insights', { as })).body;
    for (const part of ['invitations', 'relationships', 'delegatedAdmin', 'acceptance', 'weeks', 'endingSoon'])
      expect(after[part], part).toEqual(truth[part]);

    const second = backfill(p.id);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain(`${p.id}: counted 0 invitation(s), 0 relationship(s)`);
    expect((await call(svc, 'GET', '/api/insights', { as })).body.invitations).toEqual(truth.invitations);
  });

  it('refuses an argument that is not a partner ID, naming it', () => {
    const bad = backfill('not-a-partner');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr + bad.stdout).toMatch(/not-a-partner/);
  });
});
