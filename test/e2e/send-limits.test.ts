/**
 * The email abuse limits through HTTP (issue 18, item 1): per invitation and per partner per UTC
 * day, counted in storage, concurrent sends included; 429 `send-limit` with `Retry-After`; a
 * retry of a message already sent (or reserved) never counts again; create with `send: true`
 * past the day's limit creates nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminOf, call, seedWorld, startService, type Service } from '../support/harness';
import { invite } from '../support/fixtures';
import type { CreateInvitationInput } from '../../src/client';
import { startFakeAcs, type FakeAcs } from '../support/fakeAcs';
import type { Partner } from '../../src/domain/model';

let svc: Service;
let acs: FakeAcs;
const PER_INVITATION = 3;
const PER_DAY = 6;
const body = { customer: { companyName: 'Contoso', email: 'admin@contoso.example' } };

beforeAll(async () => {
  acs = await startFakeAcs();
  svc = await startService({
    email: { kind: 'connectionString', connectionString: acs.connectionString(), sender: 'DoNotReply@fabrikam.example' },
    sendLimits: { perInvitation: PER_INVITATION, perPartnerPerDay: PER_DAY },
  });
});
afterAll(async () => {
  await svc.close();
  await acs.close();
});
beforeEach(() => acs.reset());

/** A reseller of its own, so that every test starts with its day's counter at zero. */
const freshReseller = async (): Promise<Partner> => (await seedWorld(svc.deps)).reseller;

const create = (reseller: Partner, extra: Partial<CreateInvitationInput> = {}) => invite(svc, reseller, { ...body, ...extra });

const send = (reseller: Partner, id: string, edits: Record<string, string> = {}) =>
  call(svc, 'POST', `/api/invitations/${id}/send`, { as: adminOf(reseller), body: edits });

const secondsToUtcMidnight = () => {
  const now = new Date();
  return (Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000;
};

function expectLimit(r: Awaited<ReturnType<typeof send>>) {
  expect(r.status).toBe(429);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.body).toMatchObject({ type: 'urn:reseller-relationships:problem:send-limit', status: 429 });
  expect(r.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
  return Number(r.headers.get('retry-after'));
}

describe('per invitation', () => {
  it(`sends ${PER_INVITATION} distinct messages, not one more; a retry of any message already sent never counts`, async () => {
    const reseller = await freshReseller();
    const inv = await create(reseller);
    const draft = (subject: string) => ({ subject, text: `Hello, please accept: ${inv.url}` });

    expect((await send(reseller, inv.id, draft('A'))).status).toBe(200);
    expect((await send(reseller, inv.id, draft('A'))).status).toBe(200); // the same message: not sent, not counted
    expect((await send(reseller, inv.id, draft('B'))).status).toBe(200);
    expect((await send(reseller, inv.id, draft('C'))).status).toBe(200);
    // A again after B and C: the email service never sends one operation twice, so it costs nothing.
    const again = await send(reseller, inv.id, draft('A'));
    expect(again.status).toBe(200);
    expect(acs.sends.map((s) => s.body.content?.subject)).toEqual(['A', 'B', 'C']);

    const over = await send(reseller, inv.id, draft('D'));
    const retryAfter = expectLimit(over);
    // The invitation's limit does not free up: Retry-After is the time left before it expires.
    const left = (Date.parse(inv.expiresAt) - Date.now()) / 1000;
    expect(Math.abs(retryAfter - left)).toBeLessThan(30);
    expect(over.body.detail).toContain(`${PER_INVITATION}`);
    expect(acs.sends).toHaveLength(3);

    // The invitation is untouched by the refusal: still pending, its last send recorded.
    const g = await call(svc, 'GET', `/api/invitations/${inv.id}`, { as: adminOf(reseller) });
    expect(g.body).toMatchObject({ status: 'pending', email: { status: 'sent', operationId: again.body.email.operationId } });
  });

  it('concurrent sends of one invitation: exactly the limit goes out', async () => {
    const reseller = await freshReseller();
    const inv = await create(reseller);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => send(reseller, inv.id, { subject: `Parallel ${i}`, text: `Accept: ${inv.url}` })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
    expect(acs.sends).toHaveLength(PER_INVITATION);
  });
});

describe('per partner per UTC day', () => {
  it(`${PER_DAY} messages a day across invitations, then 429 until 00:00 UTC; other partners are not affected`, async () => {
    const reseller = await freshReseller();
    const invs = [await create(reseller), await create(reseller), await create(reseller), await create(reseller)];
    for (const inv of invs.slice(0, 3)) {
      expect((await send(reseller, inv.id)).status).toBe(200);
      expect((await send(reseller, inv.id, { subject: 'Reminder' })).status).toBe(200);
    }
    expect(acs.sends).toHaveLength(PER_DAY);
    // A retry of a message already sent is still answered (and not counted) at the limit.
    expect((await send(reseller, invs[0]!.id, { subject: 'Reminder' })).status).toBe(200);

    const over = await send(reseller, invs[3]!.id);
    const retryAfter = expectLimit(over);
    expect(Math.abs(retryAfter - secondsToUtcMidnight())).toBeLessThan(30);
    expect(over.body.detail).toMatch(/00:00 UTC/);
    expect(acs.sends).toHaveLength(PER_DAY);

    // The counter is a row in the partner's partition, not a process's memory.
    const day = new Date().toISOString().slice(0, 10);
    const row = await svc.rows.get('data', reseller.id, `snd|${day}`);
    expect(row?.data.count).toBe(PER_DAY);

    // Create with send: true past the limit creates nothing.
    const before = (await call(svc, 'GET', '/api/invitations?status=all', { as: adminOf(reseller) })).body.items.length;
    const created = await call(svc, 'POST', '/api/invitations', { as: adminOf(reseller), body: { ...body, send: true } });
    expectLimit(created);
    const after = (await call(svc, 'GET', '/api/invitations?status=all', { as: adminOf(reseller) })).body.items.length;
    expect(after).toBe(before);

    // Another partner's day is its own.
    const other = await freshReseller();
    const theirs = await create(other);
    expect((await send(other, theirs.id)).status).toBe(200);
  });

  it('concurrent sends of many invitations of one partner: exactly the day limit goes out', async () => {
    const reseller = await freshReseller();
    const invs = await Promise.all(Array.from({ length: 10 }, () => create(reseller)));
    const results = await Promise.all(invs.map((inv) => send(reseller, inv.id)));
    const ok = results.filter((r) => r.status === 200).length;
    expect(ok).toBe(PER_DAY);
    expect(results.filter((r) => r.status === 429)).toHaveLength(10 - PER_DAY);
    expect(acs.sends).toHaveLength(PER_DAY);
    const row = await svc.rows.get('data', reseller.id, `snd|${new Date().toISOString().slice(0, 10)}`);
    expect(row?.data.count).toBe(PER_DAY);
  });

  it('the limits are in the OpenAPI document: 429 with Retry-After on send and create', async () => {
    const doc = (await call(svc, 'GET', '/api/openapi.json')).body;
    const sendOp = doc.paths['/api/invitations/{id}/send'].post;
    expect(sendOp.responses['429'].headers).toHaveProperty('Retry-After');
    expect(doc.paths['/api/invitations'].post.responses).toHaveProperty('429');
  });
});
