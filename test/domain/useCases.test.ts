/**
 * The use cases on the memory adapter: the stories of invitations, acceptance and removal, and
 * their ugly cases, in milliseconds and without Azurite (`npm run test:unit`).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { answerInvitation, completeAcceptance, pageState } from '../../src/domain/acceptance';
import { listAuditEvents } from '../../src/domain/audit';
import { AppError, UnavailableError } from '../../src/domain/errors';
import { createInvitation } from '../../src/domain/invitationCreate';
import { revokeInvitation } from '../../src/domain/invitationRevoke';
import { sendInvitation } from '../../src/domain/invitationSending';
import { getInvitation, listInvitations } from '../../src/domain/invitationViews';
import { ATTESTATION_STATEMENT, getRelationship, listRelationships, removeRelationship } from '../../src/domain/relationships';
import { retryOnConflict } from '../../src/domain/retry';
import { WriteConflict } from '../../src/domain/errors';
import { wrapStore } from '../support/faults';
import { customerAdmin, newCustomer, tokenOf, world } from './support';

const codeOf = async (run: () => Promise<unknown>): Promise<string> => {
  try {
    await run();
  } catch (err) {
    if (err instanceof AppError) return `${err.kind}:${err.code}`;
    throw err;
  }
  return 'ok';
};

describe('invitations', () => {
  it('creates a pending invitation with a draft holding its link, and records the audit event in the same commit', async () => {
    const w = await world();
    const inv = await createInvitation(w.deps, w.reseller, w.agent, newCustomer(), 'es');
    expect(inv).toMatchObject({ status: 'pending', kind: 'reseller', locale: 'es', email: { status: 'notSent' } });
    expect(inv.url).toMatch(/^https:\/\/rr\.example\/api\/accept\/[A-Za-z0-9_-]{86}$/);
    expect(inv.draft!.text).toContain(inv.url);
    expect(inv.draft!.html).toContain('Fabrikam &lt;Resellers&gt;');
    const audit = await listAuditEvents(w.deps, w.reseller, { pageSize: 10 });
    expect(audit.items.map((e) => e.action).sort()).toEqual(['invitation.created', 'partner.enrolled']);
  });

  it('refuses what the contract refuses, before writing anything', async () => {
    const w = await world();
    expect(await codeOf(() => createInvitation(w.deps, w.provider, w.agent, newCustomer(), 'en'))).toBe('forbidden:not-a-reseller');
    expect(
      await codeOf(() => createInvitation(w.deps, w.reseller, w.agent, { ...newCustomer(), indirectProviderId: randomUUID() }, 'en')),
    ).toBe('invalid:validation-failed');
    expect(await codeOf(() => createInvitation(w.deps, w.reseller, w.agent, newCustomer({ tenantId: w.reseller.id }), 'en'))).toBe(
      'invalid:validation-failed',
    );
    const noEmail = await world({ email: false });
    expect(
      await codeOf(() => createInvitation(noEmail.deps, noEmail.reseller, noEmail.agent, { ...newCustomer(), send: true }, 'en')),
    ).toBe('conflict:email-not-configured');
    expect((await listInvitations(w.deps, w.reseller, { status: 'all', pageSize: 10 })).items).toEqual([]);
  });

  it('sends a draft once, keeps the link in edits, and refuses a closed invitation', async () => {
    const w = await world();
    const inv = await createInvitation(w.deps, w.reseller, w.agent, newCustomer(), 'en');
    const sent = await sendInvitation(w.deps, w.reseller, w.agent, inv.id, {});
    expect(sent.email.status).toBe('sent');
    await sendInvitation(w.deps, w.reseller, w.agent, inv.id, {});
    expect(w.mailer.sent).toHaveLength(1);
    expect(await codeOf(() => sendInvitation(w.deps, w.reseller, w.agent, inv.id, { text: 'no link here' }))).toBe('invalid:link-missing');
    await sendInvitation(w.deps, w.reseller, w.agent, inv.id, { text: `Hola, ${inv.url}` });
    expect(w.mailer.sent).toHaveLength(2);
    await revokeInvitation(w.deps, w.reseller, w.agent, inv.id);
    expect(await codeOf(() => sendInvitation(w.deps, w.reseller, w.agent, inv.id, {}))).toBe('conflict:invitation-not-pending');
    expect((await revokeInvitation(w.deps, w.reseller, w.agent, inv.id)).status).toBe('revoked');
  });

  it('records a lapsed invitation as expired when next touched, with its audit event', async () => {
    const w = await world();
    const inv = await createInvitation(w.deps, w.reseller, w.agent, newCustomer(), 'en');
    w.deps.clock.set(new Date(Date.parse(inv.expiresAt) + 1));
    expect((await getInvitation(w.deps, w.reseller, inv.id)).status).toBe('expired');
    expect(await codeOf(() => revokeInvitation(w.deps, w.reseller, w.agent, inv.id))).toBe('conflict:invitation-not-pending');
    const actions = (await listAuditEvents(w.deps, w.reseller, { pageSize: 10 })).items
      .map((e) => e.action)
      .filter((a) => !a.startsWith('partner.'));
    expect(actions).toEqual(['invitation.expired', 'invitation.created']);
    expect((await pageState(w.deps, tokenOf(inv.url))).kind).toBe('invalid');
  });

  it('answers another partner’s invitation as not found', async () => {
    const w = await world();
    const other = await world();
    const inv = await createInvitation(w.deps, w.reseller, w.agent, newCustomer(), 'en');
    expect(await codeOf(() => getInvitation(w.deps, other.reseller, inv.id))).toBe('notFound:not-found');
  });
});

describe('acceptance', () => {
  it('establishes both relationships of the combined kind, idempotently, and refuses another tenant', async () => {
    const w = await world();
    const inv = await createInvitation(w.deps, w.reseller, w.agent, { ...newCustomer(), indirectProviderId: w.provider.id }, 'en');
    const ga = customerAdmin();
    const first = await answerInvitation(w.deps, ga, tokenOf(inv.url), 'accept');
    expect(first.status).toBe('accepted');
    expect(first.relationships.map((r) => [r.partnerId, r.role])).toEqual([
      [w.reseller.id, 'reseller'],
      [w.provider.id, 'indirectProvider'],
    ]);
    const again = await answerInvitation(w.deps, ga, tokenOf(inv.url), 'accept');
    expect(again.relationships.map((r) => r.rev)).toEqual(first.relationships.map((r) => r.rev));
    expect(await codeOf(() => answerInvitation(w.deps, customerAdmin(), tokenOf(inv.url), 'accept'))).toBe(
      'conflict:invitation-already-accepted',
    );
    expect(await codeOf(() => answerInvitation(w.deps, ga, tokenOf(inv.url), 'decline'))).toBe('conflict:invitation-already-accepted');
    expect((await pageState(w.deps, tokenOf(inv.url))).kind).toBe('accepted');
  });

  it('speaks the invitation’s language in its refusals, and refuses roles, tenants and links', async () => {
    const w = await world();
    const inv = await createInvitation(w.deps, w.reseller, w.agent, newCustomer({ tenantId: randomUUID() }), 'es');
    const notAdmin = { ...customerAdmin(inv.customer.tenantId), roles: ['Reader'] };
    const err = await answerInvitation(w.deps, notAdmin, tokenOf(inv.url), 'accept').catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'forbidden', code: 'role-required', locale: 'es' });
    expect(await codeOf(() => answerInvitation(w.deps, customerAdmin(), tokenOf(inv.url), 'accept'))).toBe('forbidden:wrong-tenant');
    expect(await codeOf(() => answerInvitation(w.deps, customerAdmin(), 'not-a-token', 'accept'))).toBe('gone:invitation-link-invalid');
    const forged = tokenOf(inv.url).slice(0, -4) + 'AAAA';
    expect(await codeOf(() => answerInvitation(w.deps, customerAdmin(inv.customer.tenantId), forged, 'accept'))).toBe(
      'gone:invitation-link-invalid',
    );
  });

  it('declines once; a declined link is no longer valid', async () => {
    const w = await world();
    const inv = await createInvitation(w.deps, w.reseller, w.agent, newCustomer(), 'en');
    expect((await answerInvitation(w.deps, customerAdmin(), tokenOf(inv.url), 'decline')).status).toBe('declined');
    expect(await codeOf(() => answerInvitation(w.deps, customerAdmin(), tokenOf(inv.url), 'decline'))).toBe('gone:invitation-link-invalid');
  });

  it('completes the provider step, once, after storage failed between the two commits', async () => {
    const w = await world();
    const inv = await createInvitation(w.deps, w.reseller, w.agent, { ...newCustomer(), indirectProviderId: w.provider.id }, 'en');
    const ga = customerAdmin();
    const real = w.deps.store;
    const deps = {
      ...w.deps,
      store: wrapStore(real, {
        commit: (partnerId, changes, follow) =>
          partnerId === w.provider.id ? Promise.reject(new UnavailableError('down')) : real.commit(partnerId, changes, follow),
      }),
    };
    expect(await codeOf(() => answerInvitation(deps, ga, tokenOf(inv.url), 'accept'))).toBe('unavailable:storage-unavailable');
    expect(await codeOf(() => getRelationship(w.deps, w.provider, ga.tenantId))).toBe('notFound:not-found');
    // The accepted invitation's event (its worker) or the customer's retry completes it, once.
    const stored = (await w.deps.store.invitation(w.reseller.id, inv.id))!.value;
    expect(stored.status).toBe('accepted');
    expect((await completeAcceptance(w.deps, stored)).map((r) => r.partnerId)).toEqual([w.reseller.id, w.provider.id]);
    expect((await getRelationship(w.deps, w.provider, ga.tenantId)).role).toBe('indirectProvider');
    // Again: the step's mark makes it a no-op.
    expect((await completeAcceptance(w.deps, stored)).map((r) => r.partnerId)).toEqual([w.reseller.id, w.provider.id]);
    const providerAudit = await listAuditEvents(w.deps, w.provider, { pageSize: 10 });
    expect(providerAudit.items.map((e) => e.action).sort()).toEqual(['partner.enrolled', 'relationship.established']);
  });
});

describe('relationships', () => {
  async function accepted(companyName = 'Contoso') {
    const w = await world();
    const inv = await createInvitation(w.deps, w.reseller, w.agent, newCustomer({ companyName }), 'en');
    const ga = customerAdmin();
    await answerInvitation(w.deps, ga, tokenOf(inv.url), 'accept');
    return { ...w, customerId: ga.tenantId };
  }

  it('removes only with the attestation and a current If-Match, revokes delegated admin, and is idempotent', async () => {
    const w = await accepted();
    const rel = await getRelationship(w.deps, w.reseller, w.customerId);
    const err = await removeRelationship(w.deps, w.reseller, w.agent, w.customerId, {}, undefined).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'invalid', code: 'attestation-required' });
    expect((err as AppError).detail).toContain(ATTESTATION_STATEMENT);
    expect(await codeOf(() => removeRelationship(w.deps, w.reseller, w.agent, w.customerId, { attestGoodFaith: true }, ['stale']))).toBe(
      'preconditionFailed:precondition-failed',
    );
    const removed = await removeRelationship(w.deps, w.reseller, w.agent, w.customerId, { attestGoodFaith: true, reason: 'r' }, [rel.rev]);
    expect(removed).toMatchObject({ status: 'removed', delegatedAdmin: { status: 'revoked' }, removalReason: 'r' });
    expect((await removeRelationship(w.deps, w.reseller, w.agent, w.customerId, { attestGoodFaith: true }, ['stale'])).rev).toBe(
      removed.rev,
    );
    expect((await listRelationships(w.deps, w.reseller, { status: 'active', pageSize: 10 })).items).toEqual([]);
    expect(await codeOf(() => removeRelationship(w.deps, w.reseller, w.agent, randomUUID(), { attestGoodFaith: true }, undefined))).toBe(
      'notFound:not-found',
    );
  });

  it('searches by a folded prefix of the company name', async () => {
    const w = await accepted('Álvarez Hermanos');
    expect((await listRelationships(w.deps, w.reseller, { status: 'active', q: 'ALVA', pageSize: 10 })).items).toHaveLength(1);
    expect((await listRelationships(w.deps, w.reseller, { status: 'active', q: 'hermanos', pageSize: 10 })).items).toHaveLength(0);
  });
});

describe('retryOnConflict', () => {
  it('runs a step again after a write conflict, a bounded number of times, and never after another error', async () => {
    let runs = 0;
    await expect(
      retryOnConflict(() => {
        runs++;
        return Promise.reject(new WriteConflict('version'));
      }, 3),
    ).rejects.toBeInstanceOf(WriteConflict);
    expect(runs).toBe(3);
    runs = 0;
    await expect(
      retryOnConflict(() => {
        runs++;
        return Promise.reject(new Error('bug'));
      }),
    ).rejects.toThrow('bug');
    expect(runs).toBe(1);
    expect(await retryOnConflict((attempt) => (attempt < 2 ? Promise.reject(new WriteConflict('exists')) : Promise.resolve(attempt)))).toBe(
      2,
    );
  });
});
