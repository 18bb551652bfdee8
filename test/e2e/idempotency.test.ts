/**
 * `Idempotency-Key` on `POST /api/invitations` (issue 18): the same key and body within 24 h get
 * the first answer (status, body, Location) and create nothing; another body is 422; concurrent
 * requests with one key create one invitation; the key is stored with the invitation in one
 * commit; after 24 h a key is free again.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../src/domain/errors';
import type { Change } from '../../src/domain/ports';
import { adminOf, call, startWorld, type Service, type World } from '../support/harness';
import { startFakeAcs, type FakeAcs } from '../support/fakeAcs';
import { wrapStore } from '../support/faults';

let svc: Service;
let w: World;
let acs: FakeAcs;
const body = { customer: { companyName: 'Contoso', email: 'admin@contoso.example' } };
let n = 0;
const newKey = () => `portal-retry-${Date.now()}-${++n}`;

beforeAll(async () => {
  acs = await startFakeAcs();
  ({ svc, w } = await startWorld({
    email: { kind: 'connectionString', connectionString: acs.connectionString(), sender: 'DoNotReply@fabrikam.example' },
  }));
});
afterAll(async () => {
  await svc.close();
  await acs.close();
});
beforeEach(() => acs.reset());

const realClock = () => svc.deps.clock;
let clock: Service['deps']['clock'];
beforeEach(() => (clock = realClock()));
afterEach(() => (svc.deps.clock = clock));

const post = (key: string | undefined, b: unknown = body, who = w.reseller) =>
  call(svc, 'POST', '/api/invitations', { as: adminOf(who), body: b, headers: key === undefined ? {} : { 'Idempotency-Key': key } });

async function invitationCount(who = w.reseller): Promise<number> {
  return (await call(svc, 'GET', '/api/invitations?status=all&pageSize=500', { as: adminOf(who) })).body.items.length;
}

describe('Idempotency-Key', () => {
  it('the same key and body: the first answer again (status, body, Location), one invitation, one audit event', async () => {
    const key = newKey();
    const before = await invitationCount();
    const first = await post(key);
    expect(first.status).toBe(201);
    const again = await post(key);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(await invitationCount()).toBe(before + 1);
    const audit = (await call(svc, 'GET', '/api/audit?pageSize=500', { as: adminOf(w.reseller) })).body.items;
    expect(audit.filter((e: any) => e.invitationId === first.body.id && e.action === 'invitation.created')).toHaveLength(1);

    // The same body in another key order is the same body.
    const reordered = await post(key, { customer: { email: body.customer.email, companyName: body.customer.companyName } });
    expect(reordered.status).toBe(201);
    expect(reordered.body.id).toBe(first.body.id);
  });

  it('the replay is the first answer even after the invitation changed (here: revoked)', async () => {
    const key = newKey();
    const first = await post(key);
    expect((await call(svc, 'DELETE', `/api/invitations/${first.body.id}`, { as: adminOf(w.reseller) })).status).toBe(200);
    const again = await post(key);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
  });

  it('the same key with another body is 422 idempotency-key-reused, and creates nothing', async () => {
    const key = newKey();
    const first = await post(key);
    expect(first.status).toBe(201);
    const before = await invitationCount();
    const other = await post(key, { customer: { ...body.customer, companyName: 'Contoso Two' } });
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(other.body).toMatchObject({ type: 'urn:reseller-relationships:problem:idempotency-key-reused', status: 422 });
    expect(await invitationCount()).toBe(before);
  });

  it('another key, no key, or another partner with the same key: a new invitation each', async () => {
    const key = newKey();
    const a = await post(key);
    const b = await post(newKey());
    const c = await post(undefined);
    const d = await post(undefined);
    const theirs = await post(key, body, w.otherReseller);
    const ids = [a, b, c, d, theirs].map((r) => (expect(r.status).toBe(201), r.body.id));
    expect(new Set(ids).size).toBe(5);
    expect(theirs.body.partnerId).toBe(w.otherReseller.id);
  });

  it('twelve concurrent requests with one key: one invitation, every answer the same', async () => {
    const key = newKey();
    const before = await invitationCount();
    const results = await Promise.all(Array.from({ length: 12 }, () => post(key)));
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(new Set(results.map((r) => r.headers.get('location'))).size).toBe(1);
    for (const r of results) expect(r.body).toEqual(results[0]!.body);
    expect(await invitationCount()).toBe(before + 1);
  });

  it('with send: true the email goes out once; the replay shows it sent', async () => {
    const key = newKey();
    const first = await post(key, { ...body, send: true });
    expect(first.status).toBe(201);
    expect(first.body.email.status).toBe('sent');
    const again = await post(key, { ...body, send: true });
    expect(again.body).toEqual(first.body);
    expect(acs.sends).toHaveLength(1);
  });

  it('a key is remembered for 24 hours, then a new creation may use it', async () => {
    const key = newKey();
    const first = await post(key);
    const t0 = Date.now();
    svc.deps.clock = { now: () => new Date(t0 + 23 * 3600_000) };
    expect((await post(key)).body.id).toBe(first.body.id);
    svc.deps.clock = { now: () => new Date(t0 + 24 * 3600_000 + 60_000) };
    const later = await post(key, { customer: { ...body.customer, companyName: 'Another body is fine now' } });
    expect(later.status).toBe(201);
    expect(later.body.id).not.toBe(first.body.id);
    // And that newer creation is what the key now answers.
    expect((await post(key, { customer: { ...body.customer, companyName: 'Another body is fine now' } })).body.id).toBe(later.body.id);
  });

  it('the key is written in the same commit as the invitation and its audit event', async () => {
    const real = svc.deps.store;
    const commits: Change['kind'][][] = [];
    svc.deps.store = wrapStore(real, {
      commit: (partnerId: string, changes: Change[]) => {
        commits.push(changes.map((c) => c.kind));
        return real.commit(partnerId, changes);
      },
    });
    try {
      expect((await post(newKey())).status).toBe(201);
    } finally {
      svc.deps.store = real;
    }
    expect(commits).toEqual([['createInvitation', 'recordAudit', 'rememberCreation']]);
  });

  it('a commit that fails leaves neither the invitation nor the key: the retry creates it once', async () => {
    const real = svc.deps.store;
    const key = newKey();
    const before = await invitationCount();
    svc.deps.store = wrapStore(real, {
      commit: () => Promise.reject(new UnavailableError('Storage is not reachable right now; try again shortly.')),
    });
    try {
      expect((await post(key)).status).toBe(503);
    } finally {
      svc.deps.store = real;
    }
    expect(await invitationCount()).toBe(before);
    const ok = await post(key);
    expect(ok.status).toBe(201);
    expect((await post(key)).body.id).toBe(ok.body.id);
    expect(await invitationCount()).toBe(before + 1);
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['with a space', 'my key'],
    ['not ASCII', 'clé'],
  ])('a malformed key (%s) is 400 naming the header', async (_name, key) => {
    const before = await invitationCount();
    const r = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body, headers: { 'Idempotency-Key': key } });
    expect(r.status).toBe(400);
    expect(await invitationCount()).toBe(before);
    expect(r.body.errors).toHaveProperty('Idempotency-Key');
  });

  it('is declared in the OpenAPI document (422)', async () => {
    const doc = (await call(svc, 'GET', '/api/openapi.json')).body;
    expect(doc.paths['/api/invitations'].post.responses).toHaveProperty('422');
  });
});
