/**
 * Model-based test: fast-check generates sequences of invite / send / accept / decline / revoke /
 * remove, runs them against the real service over HTTP (local runner, Azurite, a loopback
 * Communication Services fake), and after EVERY step compares the service with a small
 * in-memory model: the answer's status, the invitations' statuses and links, and the partners'
 * relationship lists. After each sequence the storage invariants are checked directly.
 *
 * Reproduce a failure with the seed and path fast-check prints (RELIABILITY_SEED=… to fix the seed).
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOf, customerAdmin, seedWorld, startService, type Service, type World } from '../support/harness';
import { startFakeAcs, type FakeAcs } from '../support/fakeAcs';
import { Recorder, checkStorage, newFigures, report } from './support';

type InvStatus = 'pending' | 'accepted' | 'declined' | 'revoked';
type Side = 'reseller' | 'provider';

interface MInvitation {
  id: string;
  path: string;
  email: string;
  combined: boolean;
  /** Index of the tenant it is bound to. */
  bound: number | undefined;
  status: InvStatus;
  customer: number | undefined;
  sent: boolean;
}

interface MRelationship {
  status: 'active' | 'removed';
  invitationId: string;
}

class Model {
  invitations: MInvitation[] = [];
  relationships: Record<Side, Map<number, MRelationship>> = { reseller: new Map(), provider: new Map() };
}

interface Real {
  w: World;
  tenants: string[];
  run: number;
}

const TENANTS = 3;
let svc: Service;
let acs: FakeAcs;
let rec: Recorder;
let steps = 0;
let runs = 0;
const commandCounts = new Map<string, number>();
const figures = newFigures();

beforeAll(async () => {
  acs = await startFakeAcs();
  svc = await startService({
    email: { kind: 'connectionString', connectionString: acs.connectionString(), sender: 'DoNotReply@model.example' },
  });
  rec = new Recorder(svc);
});

afterAll(async () => {
  report('model', {
    runs,
    steps,
    requests: rec.requests,
    statuses: rec.statusSummary(),
    serverErrors: rec.serverErrors.length,
    commands: [...commandCounts].map(([k, v]) => `${k}:${v}`).join('/'),
    rowsChecked: figures.rows,
  });
  await svc.close();
  await acs.close();
});

const as = (r: Real, side: Side) => adminOf(side === 'reseller' ? r.w.reseller : r.w.provider);
const ga = (r: Real, t: number) => customerAdmin(r.tenants[t]);
const counted = (name: string) => commandCounts.set(name, (commandCounts.get(name) ?? 0) + 1);

/** The service must now look exactly like the model. */
async function compare(m: Model, r: Real): Promise<void> {
  const [invs, resellerAll, resellerActive, providerAll] = await Promise.all([
    rec.call('GET', '/api/invitations?status=all&pageSize=500', { as: as(r, 'reseller') }),
    rec.call('GET', '/api/relationships?status=all&pageSize=500', { as: as(r, 'reseller') }),
    rec.call('GET', '/api/relationships?pageSize=500', { as: as(r, 'reseller') }),
    rec.call('GET', '/api/relationships?status=all&pageSize=500', { as: as(r, 'provider') }),
  ]);
  const got = new Map<string, any>(invs.body.items.map((i: any) => [i.id, i]));
  expect(got.size).toBe(m.invitations.length);
  for (const inv of m.invitations) {
    const g = got.get(inv.id);
    expect(g?.status, `invitation ${inv.id}`).toBe(inv.status);
    expect(g.customerId).toBe(inv.customer === undefined || inv.status === 'revoked' ? undefined : r.tenants[inv.customer]);
    // The link and the draft exist only while pending.
    expect(g.url !== undefined).toBe(inv.status === 'pending');
    expect(g.email.status).toBe(inv.sent ? 'sent' : 'notSent');
  }
  const rels = (side: Side, onlyActive: boolean) =>
    [...m.relationships[side]]
      .filter(([, x]) => !onlyActive || x.status === 'active')
      .map(([t, x]) => `${r.tenants[t]}:${x.status}:${x.invitationId}`)
      .sort();
  const seen = (items: any[]) => items.map((x) => `${x.customerId}:${x.status}:${x.invitationId}`).sort();
  expect(seen(resellerAll.body.items)).toEqual(rels('reseller', false));
  expect(seen(resellerActive.body.items)).toEqual(rels('reseller', true));
  expect(seen(providerAll.body.items)).toEqual(rels('provider', false));
  steps++;
}

/** What an acceptance leaves: a new or removed relationship becomes active through this invitation. */
function establish(m: Model, side: Side, t: number, invitationId: string): void {
  const current = m.relationships[side].get(t);
  if (current?.status !== 'active') m.relationships[side].set(t, { status: 'active', invitationId });
}

const pickInvitation = (m: Model, i: number) => m.invitations[i % m.invitations.length]!;

class Invite implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly combined: boolean,
    readonly bound: number | undefined,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    counted('invite');
    const email = `c${randomUUID().slice(0, 8)}@run${r.run}.example`;
    const res = await rec.call('POST', '/api/invitations', {
      as: as(r, 'reseller'),
      body: {
        customer: { companyName: `Model ${email}`, email, ...(this.bound !== undefined ? { tenantId: r.tenants[this.bound] } : {}) },
        ...(this.combined ? { indirectProviderId: r.w.provider.id } : {}),
      },
    });
    const blocked = this.bound !== undefined && m.relationships.reseller.get(this.bound)?.status === 'active';
    if (blocked) {
      expect(res.status, res.text).toBe(409);
      expect(res.body.type).toMatch(/relationship-exists$/);
    } else {
      expect(res.status, res.text).toBe(201);
      m.invitations.push({
        id: res.body.id,
        path: new URL(res.body.url).pathname,
        email,
        combined: this.combined,
        bound: this.bound,
        status: 'pending',
        customer: undefined,
        sent: false,
      });
    }
    await compare(m, r);
  }
  toString = () => `invite(${this.combined ? 'combined' : 'reseller'}${this.bound !== undefined ? `, bound to t${this.bound}` : ''})`;
}

class Send implements fc.AsyncCommand<Model, Real> {
  constructor(readonly i: number) {}
  check = (m: Readonly<Model>) => m.invitations.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    counted('send');
    const inv = pickInvitation(m, this.i);
    const res = await rec.call('POST', `/api/invitations/${inv.id}/send`, { as: as(r, 'reseller') });
    if (inv.status === 'pending') {
      expect(res.status, res.text).toBe(200);
      inv.sent = true;
    } else {
      expect(res.status, res.text).toBe(409);
      expect(res.body.type).toMatch(/invitation-not-pending$/);
    }
    // A retried send of the same draft is never sent twice.
    expect(acs.sends.filter((s) => s.body.recipients?.to?.[0]?.address === inv.email)).toHaveLength(inv.sent ? 1 : 0);
    await compare(m, r);
  }
  toString = () => `send(#${this.i})`;
}

class Answer implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly i: number,
    readonly t: number,
    readonly decision: 'accept' | 'decline',
  ) {}
  check = (m: Readonly<Model>) => m.invitations.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    counted(this.decision);
    const inv = pickInvitation(m, this.i);
    const res = await rec.call('POST', inv.path, { as: ga(r, this.t), body: { decision: this.decision } });
    let expected: number;
    if (inv.status === 'accepted') expected = inv.customer === this.t && this.decision === 'accept' ? 200 : 409;
    else if (inv.status !== 'pending') expected = 410;
    else if (inv.bound !== undefined && inv.bound !== this.t) expected = 403;
    else expected = 200;
    expect(res.status, `${this.toString()} on ${inv.status}: ${res.text}`).toBe(expected);
    if (expected === 200 && inv.status === 'pending') {
      inv.customer = this.t;
      if (this.decision === 'decline') inv.status = 'declined';
      else {
        inv.status = 'accepted';
        establish(m, 'reseller', this.t, inv.id);
        if (inv.combined) establish(m, 'provider', this.t, inv.id);
      }
    }
    if (expected === 200) {
      expect(res.body.status).toBe(this.decision === 'accept' ? 'accepted' : 'declined');
      // The answer shows the relationships as they are now.
      const mine = (side: Side) => m.relationships[side].get(this.t)!;
      const want =
        this.decision === 'decline'
          ? []
          : [mine('reseller'), ...(inv.combined ? [mine('provider')] : [])].map((x) => `${x.status}:${x.invitationId}`);
      expect(res.body.relationships.map((x: any) => `${x.status}:${x.invitationId}`)).toEqual(want);
    }
    await compare(m, r);
  }
  toString = () => `${this.decision}(#${this.i}, t${this.t})`;
}

class Revoke implements fc.AsyncCommand<Model, Real> {
  constructor(readonly i: number) {}
  check = (m: Readonly<Model>) => m.invitations.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    counted('revoke');
    const inv = pickInvitation(m, this.i);
    const res = await rec.call('DELETE', `/api/invitations/${inv.id}`, { as: as(r, 'reseller') });
    if (inv.status === 'pending' || inv.status === 'revoked') {
      expect(res.status, res.text).toBe(200);
      inv.status = 'revoked';
    } else expect(res.status, res.text).toBe(409);
    await compare(m, r);
  }
  toString = () => `revoke(#${this.i})`;
}

class Remove implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly side: Side,
    readonly t: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    counted('remove');
    const res = await rec.call('POST', `/api/relationships/${r.tenants[this.t]}/remove`, {
      as: as(r, this.side),
      body: { attestGoodFaith: true },
    });
    const rel = m.relationships[this.side].get(this.t);
    if (!rel) expect(res.status, res.text).toBe(404);
    else {
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ status: 'removed', delegatedAdmin: { status: 'revoked' } });
      rel.status = 'removed';
    }
    await compare(m, r);
  }
  toString = () => `remove(${this.side}, t${this.t})`;
}

const tenant = fc.integer({ min: 0, max: TENANTS - 1 });
const index = fc.nat({ max: 50 });
const invite = fc.tuple(fc.boolean(), fc.option(tenant, { nil: undefined, freq: 2 })).map(([c, b]) => new Invite(c, b));
// Weighted by repetition: invitations and acceptances come up more often than the rest.
const commands = [
  invite,
  invite,
  index.map((i) => new Send(i)),
  fc.tuple(index, tenant).map(([i, t]) => new Answer(i, t, 'accept')),
  fc.tuple(index, tenant).map(([i, t]) => new Answer(i, t, 'accept')),
  fc.tuple(index, tenant).map(([i, t]) => new Answer(i, t, 'decline')),
  index.map((i) => new Revoke(i)),
  fc.tuple(fc.constantFrom<Side>('reseller', 'reseller', 'provider'), tenant).map(([s, t]) => new Remove(s, t)),
];

describe('model-based', () => {
  it('random sequences of invite/send/accept/decline/revoke/remove agree with the model after every step', async () => {
    const seed = process.env.RELIABILITY_SEED ? Number(process.env.RELIABILITY_SEED) : undefined;
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 30, size: 'max' }), async (cmds) => {
        runs++;
        // Every run starts from nothing: new partners, new customers.
        const w = await seedWorld(svc.deps);
        const real: Real = { w, tenants: Array.from({ length: TENANTS }, () => randomUUID()), run: runs };
        await fc.asyncModelRun(() => ({ model: new Model(), real }), cmds);
        expect(await checkStorage(svc.rows, [w.reseller.id, w.provider.id], figures)).toEqual([]);
        expect(rec.serverErrors).toEqual([]);
      }),
      { numRuns: 40, ...(seed !== undefined ? { seed } : {}) },
    );
  }, 90_000);
});
