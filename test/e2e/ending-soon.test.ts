/**
 * Warnings before access ends, on Azurite with the clock moved: delegatedAdmin.endingSoon 30, 7
 * and 1 days before a grant ends without auto-extension, invitation.expiringSoon 3 days before a
 * pending invitation expires, each exactly once (the job runs twice past every point); a start
 * inside a window warns at once and never for the wider ones; a grant whose end moves warns for
 * its new end only; the reminder email of `reminder: true`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { processWarnings } from '../../src/domain/endingSoon';
import { sendReminder } from '../../src/domain/reminders';
import type { AppDeps } from '../../src/deps';
import { GLOBAL_READER } from '../../src/domain/roles';
import { CURSOR_PARTITION } from '../../src/storage/warningRows';
import type { FakeAcs } from '../support/fakeAcs';
import { adminOf, call, customerAdmin, drainQueue, startWorldWithEmail, type Service, type Who, type World } from '../support/harness';

const DAY = 86_400_000;
const HELPDESK = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
let svc: Service;
let w: World;
let acs: FakeAcs;
let close: () => Promise<void>;
beforeAll(async () => ({ svc, w, acs, close } = await startWorldWithEmail()));
afterAll(() => close());
// Each case moves the clock on its own: the job starts from its own "now" again.
beforeEach(async () => {
  await svc.rows.commit('data', CURSOR_PARTITION, [{ kind: 'put', rk: 'cursor', data: { day: '2000-01-01' } }]);
  await svc.rows.commit('data', CURSOR_PARTITION, [{ kind: 'delete', rk: 'cursor' }]);
});

/**
 * The job as the timer runs it, at `at`, twice (each warning must still come once), once the
 * announcements' worker has written the points the requests' commits carry (after the answer).
 */
async function runAt(at: number) {
  await drainQueue(svc);
  const deps: AppDeps = { ...svc.deps, clock: { now: () => new Date(at) } };
  for (let i = 0; i < 2; i++) await processWarnings(deps, 500, (x) => sendReminder(deps, x));
}

async function warnings(partnerId: string, subject: string) {
  const page = await svc.deps.store.events(partnerId, { settledBefore: new Date(Date.now() + 3650 * DAY) }, { pageSize: 500 });
  return page.items
    .filter((e) => e.subject === subject && (e.type === 'delegatedAdmin.endingSoon' || e.type === 'invitation.expiringSoon'))
    .map((e) => e.data.days as number);
}

async function grant(duration: string, autoExtend = false): Promise<{ ga: Who; endsAt: number }> {
  const ga = customerAdmin();
  const inv = await call(svc, 'POST', '/api/invitations', {
    as: adminOf(w.reseller),
    body: {
      customer: { companyName: 'Contoso', email: 'it@contoso.example', tenantId: ga.tenantId },
      access: { roles: [GLOBAL_READER], duration, autoExtend },
    },
  });
  expect((await call(svc, 'POST', new URL(inv.body.url).pathname, { as: ga, body: { decision: 'accept' } })).status).toBe(200);
  const rel = (await call(svc, 'GET', `/api/relationships/${ga.tenantId}`, { as: adminOf(w.reseller) })).body;
  return { ga, endsAt: Date.parse(rel.delegatedAdmin.endsAt) };
}

const subjectOf = (ga: Who) => `relationships/${ga.tenantId}`;

describe('delegatedAdmin.endingSoon', () => {
  it('30, 7 and 1 days before the end, each once, with the relationship, endsAt and days', async () => {
    const { ga, endsAt } = await grant('P60D');
    await runAt(Date.now());
    expect(await warnings(w.reseller.id, subjectOf(ga))).toEqual([]);
    await runAt(endsAt - 30 * DAY + 60_000);
    expect(await warnings(w.reseller.id, subjectOf(ga))).toEqual([30]);
    await runAt(endsAt - 7 * DAY + 60_000);
    await runAt(endsAt - 1 * DAY + 60_000);
    expect(await warnings(w.reseller.id, subjectOf(ga))).toEqual([30, 7, 1]);
    const page = await svc.deps.store.events(w.reseller.id, { settledBefore: new Date(Date.now() + 3650 * DAY) }, { pageSize: 500 });
    const event = page.items.find((e) => e.subject === subjectOf(ga) && e.type === 'delegatedAdmin.endingSoon')!;
    expect(event.data).toMatchObject({
      customerId: ga.tenantId,
      endsAt: new Date(endsAt).toISOString(),
      days: 30,
      delegatedAdmin: { status: 'granted' },
    });
    expect(JSON.stringify(event.data)).not.toContain('"rev"');
  });

  it('a P5D grant gets the 7-day warning at once, then the 1-day one; a P1D grant one warning; never the wider ones', async () => {
    const five = await grant('P5D');
    const one = await grant('P1D');
    await runAt(Date.now());
    expect(await warnings(w.reseller.id, subjectOf(five.ga))).toEqual([7]);
    expect(await warnings(w.reseller.id, subjectOf(one.ga))).toEqual([1]);
    await runAt(five.endsAt - DAY + 60_000);
    await runAt(five.endsAt - 60_000);
    expect(await warnings(w.reseller.id, subjectOf(five.ga))).toEqual([7, 1]);
    expect(await warnings(w.reseller.id, subjectOf(one.ga))).toEqual([1]);
  });

  it('none for an auto-extending grant; a revoked grant gets no more; an approved change warns for its new end only', async () => {
    const extending = await grant('P10D', true);
    const revoked = await grant('P10D');
    const changed = await grant('P10D');
    await call(svc, 'POST', `/api/relationships/${revoked.ga.tenantId}/delegated-admin/revoke`, { as: adminOf(w.reseller) });
    const req = await call(svc, 'POST', `/api/relationships/${changed.ga.tenantId}/delegated-admin/requests`, {
      as: adminOf(w.reseller),
      body: { roles: [GLOBAL_READER, HELPDESK], duration: 'P60D' },
    });
    await call(svc, 'POST', new URL(req.body.url).pathname, { as: changed.ga, body: { decision: 'approve' } });
    const newEnd = Date.parse(
      (await call(svc, 'GET', `/api/relationships/${changed.ga.tenantId}`, { as: adminOf(w.reseller) })).body.delegatedAdmin.endsAt,
    );
    // The old end's points pass: nothing (the 30-day point of P10D was due at once, and the grant changed before the job ran).
    await runAt(changed.endsAt - DAY + 60_000);
    for (const g of [extending, revoked, changed]) expect(await warnings(w.reseller.id, subjectOf(g.ga))).toEqual([]);
    await runAt(newEnd - 30 * DAY + 60_000);
    expect(await warnings(w.reseller.id, subjectOf(changed.ga))).toEqual([30]);
  });
});

describe('invitation.expiringSoon and the reminder', () => {
  async function invitation(extra: Record<string, unknown> = {}) {
    const r = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: { customer: { companyName: 'Tailwind', email: 'it@tailwind.example' }, locale: 'es', ...extra },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; expiresAt: string; url: string; reminder?: boolean };
  }

  it('3 days before a pending invitation expires, once; none once revoked; the reminder goes once, in its language, only if sent through the service', async () => {
    acs.reset();
    const sent = await invitation({ reminder: true, send: true });
    expect(sent.reminder).toBe(true);
    const notSent = await invitation({ reminder: true });
    const revoked = await invitation({ reminder: true, send: true });
    const plain = await invitation({ send: true });
    await call(svc, 'DELETE', `/api/invitations/${revoked.id}`, { as: adminOf(w.reseller) });
    expect(acs.sends).toHaveLength(3);
    await runAt(Date.parse(sent.expiresAt) - 3 * DAY + 60_000);
    const days = async (id: string) => warnings(w.reseller.id, `invitations/${id}`);
    expect(await days(sent.id)).toEqual([3]);
    expect(await days(notSent.id)).toEqual([3]);
    expect(await days(plain.id)).toEqual([3]);
    expect(await days(revoked.id)).toEqual([]);
    // One reminder: the invitation sent through the service that asked for one.
    expect(acs.sends).toHaveLength(4);
    const reminder = acs.sends[3]!.body;
    expect(reminder.content?.subject).toMatch(/^Recordatorio: /);
    expect(reminder.content?.plainText).toMatch(/^Un recordatorio: esta invitación sigue esperando tu respuesta, y su enlace caduca el /);
    expect(reminder.content?.plainText).toContain(sent.url);
    expect(reminder.recipients?.to?.[0]?.address).toBe('it@tailwind.example');
    await runAt(Date.parse(sent.expiresAt) - DAY);
    expect(acs.sends).toHaveLength(4);
    expect(await days(sent.id)).toEqual([3]);
    const audit = (await call(svc, 'GET', '/api/audit?pageSize=100', { as: adminOf(w.reseller) })).body.items;
    expect(audit.filter((e: any) => e.invitationId === sent.id && e.action === 'invitation.sent')).toHaveLength(2);
  });

  it('an answered invitation gets no warning and no reminder', async () => {
    acs.reset();
    const inv = await invitation({ reminder: true, send: true });
    const ga = customerAdmin();
    await call(svc, 'POST', new URL(inv.url).pathname, { as: ga, body: { decision: 'decline' } });
    await runAt(Date.parse(inv.expiresAt) - 3 * DAY + 60_000);
    expect(await warnings(w.reseller.id, `invitations/${inv.id}`)).toEqual([]);
    expect(acs.sends).toHaveLength(1);
  });
});
