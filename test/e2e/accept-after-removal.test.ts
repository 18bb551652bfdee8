/**
 * Issue 18, item 4: after the partner removes a relationship, the customer re-posting the old
 * accepted link learns the real state (the relationship shows as removed; the page says it
 * ended) and never the partner's internal fields: who removed it (name, tenant, user ID), when,
 * or why. Re-posting while the relationship is active stays idempotent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, customerAdmin, startWorld, type Service, type Who, type World } from '../support/harness';
import { invite as inviteWith, remove as removeWith } from '../support/fixtures';
import type { CreateInvitationInput } from '../../src/client';

let svc: Service;
let w: World;

beforeAll(async () => ({ svc, w } = await startWorld()));
afterAll(() => svc.close());

/** The partner's user who removes: a name and ID that must never reach the customer. */
const remover: Who = { tenantId: '', name: 'mallory.removes@fabrikam.example', userId: 'remover-object-id-42', roles: ['AdminAgent'] };
const REASON = 'Contract ended: internal note 7781';

const invite = (extra: Partial<CreateInvitationInput> = {}) => inviteWith(svc, w.reseller, extra);

const acceptJson = (path: string, ga: Who) => call(svc, 'POST', path, { as: ga, body: { decision: 'accept' } });
const acceptForm = (path: string, ga: Who) =>
  call(svc, 'POST', path, { as: ga, rawBody: 'decision=accept', headers: { 'content-type': 'application/x-www-form-urlencoded' } });

async function remove(customerId: string) {
  const removed = await removeWith(svc, w.reseller, customerId, { reason: REASON, who: { ...remover, tenantId: w.reseller.id } });
  expect(removed.removedBy?.name).toBe(remover.name); // the partner does see it
  return removed;
}

/** Nothing partner-internal in anything the customer receives. */
function expectNothingInternal(text: string) {
  for (const secret of [remover.name!, remover.userId!, REASON, 'removedBy', 'removedAt', 'removalReason', 'revokedAt', 'createdBy']) {
    expect(text).not.toContain(secret);
  }
}

describe('re-posting an accepted link after removal', () => {
  it('JSON: 200 accepted with the relationship shown as removed, and no actor, time or reason of the removal', async () => {
    const { path } = await invite();
    const ga = customerAdmin();
    const first = await acceptJson(path, ga);
    expect(first.status).toBe(200);
    expect(first.body.relationships[0].status).toBe('active');
    const removed = await remove(ga.tenantId);

    const again = await acceptJson(path, ga);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('accepted');
    expect(again.body.relationships).toHaveLength(1);
    const rel = again.body.relationships[0];
    expect(rel).toMatchObject({
      partnerId: w.reseller.id,
      customerId: ga.tenantId,
      status: 'removed',
      delegatedAdmin: { status: 'revoked' },
    });
    expect(Object.keys(rel.delegatedAdmin).sort()).toEqual(['autoExtend', 'endsAt', 'grantedAt', 'roles', 'status']);
    expectNothingInternal(again.text);
    // The removal's tenant is the reseller's own (the customer knows it); its user is not told.
    expect(removed.removedBy?.tenantId).toBe(w.reseller.id);
  });

  it('a browser form post: a page saying the relationship has ended, nothing internal', async () => {
    const { path } = await invite();
    const ga = customerAdmin();
    expect((await acceptJson(path, ga)).status).toBe(200);
    await remove(ga.tenantId);
    const page = await acceptForm(path, ga);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('has since ended');
    expect(page.text).not.toContain('is in place');
    expect(page.text).not.toContain('now has a reseller relationship');
    expectNothingInternal(page.text);
    // The link's page (GET) says the same.
    const get = await call(svc, 'GET', path, { as: ga });
    expect(get.status).toBe(200);
    expect(get.text).toContain('has since ended');
    expect(get.text).not.toContain('is in place');
    expectNothingInternal(get.text);
  });

  it('in Spanish too', async () => {
    const { path } = await invite({ locale: 'es' });
    const ga = customerAdmin();
    expect((await acceptJson(path, ga)).status).toBe(200);
    await remove(ga.tenantId);
    const get = await call(svc, 'GET', path, { as: ga });
    expect(get.text).toContain('ya terminó');
  });

  it('a combined invitation: the reseller relationship removed, the provider one still active', async () => {
    const { path } = await invite({ indirectProviderId: w.provider.id });
    const ga = customerAdmin();
    expect((await acceptJson(path, ga)).status).toBe(200);
    await remove(ga.tenantId);
    const again = await acceptJson(path, ga);
    expect(again.status).toBe(200);
    const byPartner = Object.fromEntries(again.body.relationships.map((r: any) => [r.partnerId, r.status]));
    expect(byPartner).toEqual({ [w.reseller.id]: 'removed', [w.provider.id]: 'active' });
    expectNothingInternal(again.text);
  });

  it('declining after removal is still refused (the invitation was accepted)', async () => {
    const { path } = await invite();
    const ga = customerAdmin();
    expect((await acceptJson(path, ga)).status).toBe(200);
    await remove(ga.tenantId);
    const r = await call(svc, 'POST', path, { as: ga, body: { decision: 'decline' } });
    expect(r.status).toBe(409);
    expect(r.body.type).toMatch(/invitation-already-accepted$/);
  });
});

describe('re-posting while the relationship is active', () => {
  it('is idempotent: the same answer', async () => {
    const { path } = await invite();
    const ga = customerAdmin();
    const first = await acceptJson(path, ga);
    const again = await acceptJson(path, ga);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.body.relationships[0].status).toBe('active');
    const page = await acceptForm(path, ga);
    expect(page.text).not.toContain('has since ended');
  });
});
