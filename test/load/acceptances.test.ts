/**
 * `npm run test:load` (not part of `npm test`: it needs the machine to itself; its figures are in
 * docs/scale.md). Load: 500 acceptances at once across 50 partners, through the local runner over real HTTP,
 * with the queue worker running. 300 customer tenants (most accept from two partners, so their
 * index partition takes concurrent writes), and 50 links posted twice at once by their tenant.
 * No 5xx, few conflicts (every WriteConflict storage answered is counted: a retry each), and
 * afterwards every customer's index equals the partners' data, every grant has its due row, and
 * the storage invariants hold (support.ts). See docs/scale.md.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WriteConflict } from '../../src/domain/errors';
import { createInvitation } from '../../src/domain/invitationCreate';
import type { Partner } from '../../src/domain/model';
import { enrolPartners } from '../../src/domain/operator';
import { storageOver } from '../../src/storage';
import { customerAdmin, startService, type Service, type Who } from '../support/harness';
import { eventually } from '../support/receiver';
import { Recorder, checkStorage, newFigures, pool, report } from '../reliability/support';

const PARTNERS = 50;
const PER_PARTNER = 10;
const TENANTS = 300;
const DOUBLED = 50;

let svc: Service;
let rec: Recorder;
let conflicts = 0;

beforeAll(async () => {
  svc = await startService({}, [], { queues: true });
  rec = new Recorder(svc);
  // Every commit storage refused for a changed version or an existing row: each is one retry.
  const commit = svc.rows.commit.bind(svc.rows);
  svc.rows.commit = async (...args) => {
    try {
      return await commit(...args);
    } catch (err) {
      if (err instanceof WriteConflict) conflicts++;
      throw err;
    }
  };
});

afterAll(() => svc.close());

it('500 concurrent acceptances across 50 partners: no 5xx, few conflicts, every customer index right afterwards', async () => {
  const started = performance.now();
  const partners: Partner[] = Array.from({ length: PARTNERS }, (_, i) => ({
    id: randomUUID(),
    name: `Load Reseller ${i}`,
    kind: 'reseller',
    indirectProviderIds: [],
  }));
  await enrolPartners(svc.deps, partners);
  const tenants: Who[] = Array.from({ length: TENANTS }, () => customerAdmin());
  // Invitation i of partner p goes to tenant (p * PER_PARTNER + i) mod TENANTS: 200 tenants accept from two partners.
  const plan = partners.flatMap((p, pi) =>
    Array.from({ length: PER_PARTNER }, (_, i) => ({ partner: p, tenant: tenants[(pi * PER_PARTNER + i) % TENANTS]! })),
  );
  // Seeded straight through the domain, announcing nothing (the invitations are not what is measured).
  const quiet = { ...svc.deps, ...storageOver(svc.rows, svc.deps.config.signingKey) };
  const links = await pool(
    8,
    plan.map(({ partner }, n) => async () => {
      const caller = { tenantId: partner.id, userId: 'load', name: 'load@partner.example', roles: ['AdminAgent'] };
      const inv = await createInvitation(
        quiet,
        partner,
        caller,
        {
          customer: { companyName: `Load Customer ${n}`, domain: `load-${n}.example`, email: `it@load-${n}.example` },
          send: false,
        },
        'en',
      );
      return new URL(inv.url ?? '').pathname;
    }),
  );
  const seeded = performance.now();
  conflicts = 0;

  const posts = [...plan.map((p, i) => ({ ...p, path: links[i]! })), ...plan.slice(0, DOUBLED).map((p, i) => ({ ...p, path: links[i]! }))];
  const results = await Promise.all(posts.map(({ tenant, path }) => rec.call('POST', path, { as: tenant, body: { decision: 'accept' } })));
  const answered = performance.now();
  console.log(`[load] seeded in ${((seeded - started) / 1000).toFixed(1)} s, answered in ${((answered - seeded) / 1000).toFixed(1)} s`);
  expect(rec.serverErrors).toEqual([]);
  expect(results.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
  const retries = conflicts;
  // The doubled links: both posts answered with the one relationship their acceptance established.
  const established = (r: (typeof results)[number]) => `${r.body.customerId}|${r.body.relationships?.[0]?.establishedAt}`;
  expect(results.slice(plan.length).map(established)).toEqual(results.slice(0, DOUBLED).map(established));

  // Every customer's index lists exactly the partners it accepted, as the partners' data has them.
  const expected = new Map<string, Set<string>>();
  for (const { partner, tenant } of plan) expected.set(tenant.tenantId, (expected.get(tenant.tenantId) ?? new Set()).add(partner.id));
  const wrong: string[] = [];
  await pool(
    16,
    [...expected].map(([customerId, ids]) => async () => {
      const page = await svc.deps.ledger.customerRelationships(customerId, { pageSize: 10 });
      const got = page.items.map((c) => `${c.partnerId}:${c.seq}:${c.delegatedAdmin.status}`).sort();
      const want = [...ids].map((id) => `${id}:1:granted`).sort();
      if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${customerId}: ${got.join(',')} != ${want.join(',')}`);
    }),
  );
  expect(wrong).toEqual([]);
  console.log(`[load] customer indexes checked at ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // After the answers, the worker records every grant's due row (only what falls due is read).
  const inTwoYears = new Date(Date.now() + 800 * 86_400_000);
  const due = await eventually(
    async () => {
      const rows = await svc.deps.ledger.dueGrants(inTwoYears, 1000);
      return rows.length >= plan.length ? rows : undefined;
    },
    30_000,
    'every due row',
  );
  expect(new Set(due.map((d) => `${d.partnerId}|${d.customerId}`)).size).toBe(plan.length);
  const figures = newFigures();
  expect(
    await checkStorage(
      svc.rows,
      partners.map((p) => p.id),
      figures,
    ),
  ).toEqual([]);

  report('load', {
    acceptances: posts.length,
    partners: PARTNERS,
    customers: TENANTS,
    statuses: rec.statusSummary(),
    serverErrors: rec.serverErrors.length,
    conflictRetries: retries,
    maxLatencyMs: Math.round(rec.maxMs),
    acceptSeconds: ((answered - seeded) / 1000).toFixed(1),
    totalSeconds: ((performance.now() - started) / 1000).toFixed(1),
    rowsChecked: figures.rows,
  });
}, 240_000);
