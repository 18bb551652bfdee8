/**
 * The domain's storage port (PartnerStore, PartnerDirectory), the same cases against every
 * adapter: what the use cases rely on (versions, all-or-nothing commits, orderings, search,
 * cursors) holds on memory exactly as on Table Storage.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditEvent, recordAudit } from '../../src/domain/audit';
import { AppError, WriteConflict } from '../../src/domain/errors';
import { cloudEvent, recordEvent } from '../../src/domain/events';
import type { Delivery, Invitation, PartnerRecord, Relationship, Webhook } from '../../src/domain/model';
import { establish, newRev, saveRelationship } from '../../src/domain/relationships';
import { newInvitationId } from '../../src/domain/tokens';
import { adapters } from './adapters';

const actor = { id: 'u1', name: 'Ana', tenantId: 'x' };

function invitation(partnerId: string, over: Partial<Invitation> = {}): Invitation {
  return {
    id: randomUUID(),
    partnerId,
    partnerName: 'Fabrikam',
    kind: 'reseller',
    customer: { companyName: 'Contoso', email: 'it@contoso.example' },
    status: 'pending',
    nonce: 'n',
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    locale: 'en',
    email: { status: 'notSent' },
    createdAt: new Date().toISOString(),
    createdBy: actor,
    ...over,
  };
}

const relationshipOf = (partnerId: string, companyName: string, domain?: string): Relationship =>
  establish(undefined, { partnerId, customerId: randomUUID(), companyName, domain, role: 'reseller', invitationId: 'i', actor }, new Date())
    .relationship;

describe.each(adapters)('the partner store on $name', ({ storage }) => {
  it('creates an invitation once, and updates it only at its current version', async () => {
    const { store } = storage();
    const p = randomUUID();
    const inv = invitation(p);
    const [v1] = await store.commit(p, [{ kind: 'createInvitation', invitation: inv }]);
    expect(await store.invitation(p, inv.id)).toEqual({ value: inv, version: v1 });
    await expect(store.commit(p, [{ kind: 'createInvitation', invitation: inv }])).rejects.toMatchObject({ reason: 'exists' });
    const [v2] = await store.commit(p, [
      { kind: 'updateInvitation', invitation: { ...inv, status: 'revoked' }, previous: { value: inv, version: v1! } },
    ]);
    expect(v2).not.toBe(v1);
    await expect(
      store.commit(p, [{ kind: 'updateInvitation', invitation: inv, previous: { value: inv, version: v1! } }]),
    ).rejects.toBeInstanceOf(WriteConflict);
    expect((await store.invitation(p, inv.id))?.value.status).toBe('revoked');
    expect(await store.invitation(randomUUID(), inv.id)).toBeUndefined();
  });

  it('commits all or nothing: a stale change leaves the audit event and the relationship of the same commit unwritten', async () => {
    const { store } = storage();
    const p = randomUUID();
    const inv = invitation(p);
    const [v1] = await store.commit(p, [{ kind: 'createInvitation', invitation: inv }]);
    await store.commit(p, [{ kind: 'updateInvitation', invitation: { ...inv, locale: 'es' }, previous: { value: inv, version: v1! } }]);
    const rel = relationshipOf(p, 'Contoso');
    const event = auditEvent(p, 'invitation.accepted', actor, new Date(), { customerId: rel.customerId });
    await expect(
      store.commit(p, [
        { kind: 'updateInvitation', invitation: { ...inv, status: 'accepted' }, previous: { value: inv, version: v1! } },
        saveRelationship(rel),
        recordAudit(event),
      ]),
    ).rejects.toBeInstanceOf(WriteConflict);
    expect(await store.relationship(p, rel.customerId)).toBeUndefined();
    expect((await store.auditEvents(p, {}, { pageSize: 10 })).items).toEqual([]);
  });

  it('saves a relationship new, then only over the version it read', async () => {
    const { store } = storage();
    const p = randomUUID();
    const rel = relationshipOf(p, 'Contoso');
    const [v1] = await store.commit(p, [saveRelationship(rel)]);
    const read = await store.relationship(p, rel.customerId);
    expect(read).toEqual({ value: rel, version: v1 });
    await expect(store.commit(p, [saveRelationship(rel)])).rejects.toBeInstanceOf(WriteConflict);
    const removed = { ...rel, status: 'removed' as const, rev: newRev() };
    await store.commit(p, [saveRelationship(removed, read)]);
    await expect(store.commit(p, [saveRelationship({ ...rel, rev: newRev() }, read)])).rejects.toBeInstanceOf(WriteConflict);
    expect((await store.relationships(p, { status: 'active' }, { pageSize: 10 })).items).toEqual([]);
    expect((await store.relationships(p, { status: 'removed' }, { pageSize: 10 })).items).toEqual([removed]);
    expect((await store.relationships(p, { status: 'all' }, { pageSize: 10 })).items).toEqual([removed]);
  });

  it('lists relationships by folded company name then customer ID, searches name or domain prefixes, and pages with cursors', async () => {
    const { store } = storage();
    const p = randomUUID();
    const names: [string, string?][] = [
      ['Álvarez Hermanos', 'alvarez.example'],
      ['alpha'],
      ['Contoso Ltd', 'contoso.com'],
      ['contoso ltd', 'ctso.example'],
      ['Zeta', 'contosozeta.example'],
      ['Coho Winery', 'coho.example'],
      ['Contosoville'],
    ];
    const rels = names.map(([n, d]) => relationshipOf(p, n, d));
    for (const r of rels) await store.commit(p, [saveRelationship(r)]);
    const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    const expected = [...rels].sort((a, b) =>
      fold(a.companyName) < fold(b.companyName) ? -1 : fold(a.companyName) > fold(b.companyName) ? 1 : a.customerId < b.customerId ? -1 : 1,
    );
    const seen: Relationship[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.relationships(p, { status: 'active' }, { pageSize: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    expect(seen.map((r) => r.companyName)).toEqual(expected.map((r) => r.companyName));
    const names_ = async (search: string) =>
      (await store.relationships(p, { status: 'active', search }, { pageSize: 50 })).items.map((r) => r.companyName).sort();
    expect(await names_('co')).toEqual(['Coho Winery', 'Contoso Ltd', 'Contosoville', 'Zeta', 'contoso ltd'].sort());
    expect(await names_('contoso')).toEqual(['Contoso Ltd', 'Contosoville', 'Zeta', 'contoso ltd'].sort());
    expect(await names_('contoso ')).toEqual(['Contoso Ltd', 'contoso ltd'].sort());
    expect(await names_('alv')).toEqual(['Álvarez Hermanos']);
    expect(await names_('ctso')).toEqual(['contoso ltd']);
    expect(await names_('nothing')).toEqual([]);
  });

  it('refuses a tampered cursor, and a cursor of another listing or filter', async () => {
    const { store } = storage();
    const p = randomUUID();
    for (const n of ['a', 'b', 'c']) await store.commit(p, [saveRelationship(relationshipOf(p, n))]);
    const { cursor } = await store.relationships(p, { status: 'active' }, { pageSize: 1 });
    expect(cursor).toBeDefined();
    const refused = async (run: () => Promise<unknown>) => {
      const err = await run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('invalid-continuation-token');
    };
    await refused(() => store.relationships(p, { status: 'active' }, { pageSize: 1, cursor: `${cursor!.slice(0, -2)}xx` }));
    await refused(() => store.relationships(p, { status: 'all' }, { pageSize: 1, cursor }));
    await refused(() => store.relationships(randomUUID(), { status: 'active' }, { pageSize: 1, cursor }));
    await refused(() => store.auditEvents(p, {}, { pageSize: 1, cursor }));
  });

  it('lists invitations newest first by status, a pending one past its expiry counting as expired', async () => {
    const { store } = storage();
    const p = randomUUID();
    const now = new Date();
    const ids: string[] = [];
    const make = async (over: Partial<Invitation>, createdMsAgo: number) => {
      // Ids sort newest first (their first bits are the inverted creation time).
      const inv = invitation(p, { id: newInvitationId(new Date(now.getTime() - createdMsAgo)), ...over });
      ids.push(inv.id);
      await store.commit(p, [{ kind: 'createInvitation', invitation: inv }]);
      return inv;
    };
    const pending = await make({}, 3000);
    const lapsed = await make({ expiresAt: new Date(now.getTime() - 1000).toISOString() }, 2000);
    const revoked = await make({ status: 'revoked' }, 1000);
    const list = async (status: Parameters<typeof store.invitations>[1]['status']) =>
      (await store.invitations(p, { status, now }, { pageSize: 10 })).items.map((i) => i.id);
    expect(await list('all')).toEqual([revoked.id, lapsed.id, pending.id]);
    expect(await list('pending')).toEqual([pending.id]);
    expect(await list('expired')).toEqual([lapsed.id]);
    expect(await list('revoked')).toEqual([revoked.id]);
    expect(await list('accepted')).toEqual([]);
    const first = await store.invitations(p, { status: 'all', now }, { pageSize: 2 });
    const rest = await store.invitations(p, { status: 'all', now }, { pageSize: 2, cursor: first.cursor });
    expect([...first.items, ...rest.items].map((i) => i.id)).toEqual([revoked.id, lapsed.id, pending.id]);
    expect(rest.cursor).toBeUndefined();
  });

  it('lists audit events newest first, all of them or one customer’s', async () => {
    const { store } = storage();
    const p = randomUUID();
    const customer = randomUUID();
    const at = (ms: number) => new Date(Date.now() - ms);
    const e1 = auditEvent(p, 'invitation.created', actor, at(3000), {});
    const e2 = auditEvent(p, 'relationship.established', actor, at(2000), { customerId: customer });
    const e3 = auditEvent(p, 'relationship.removed', actor, at(1000), { customerId: customer });
    await store.commit(p, [recordAudit(e1), recordAudit(e2)]);
    await store.commit(p, [recordAudit(e3)]);
    expect((await store.auditEvents(p, {}, { pageSize: 10 })).items).toEqual([e3, e2, e1]);
    expect((await store.auditEvents(p, { customerId: customer }, { pageSize: 10 })).items).toEqual([e3, e2]);
    const first = await store.auditEvents(p, {}, { pageSize: 1 });
    expect((await store.auditEvents(p, {}, { pageSize: 5, cursor: first.cursor })).items).toEqual([e2, e1]);
  });

  it('marks an acceptance step once', async () => {
    const { store } = storage();
    const p = randomUUID();
    const inv = randomUUID();
    expect(await store.acceptanceStepDone(p, inv)).toBe(false);
    const mark = { kind: 'markAcceptanceStep' as const, invitationId: inv, resellerId: randomUUID(), at: new Date().toISOString() };
    await store.commit(p, [mark]);
    expect(await store.acceptanceStepDone(p, inv)).toBe(true);
    await expect(store.commit(p, [mark])).rejects.toMatchObject({ reason: 'exists' });
  });

  it('keeps the partner directory: enrolled through the store (audited), read back, updated at its version', async () => {
    const { store, directory } = storage();
    const id = randomUUID();
    const record: PartnerRecord = {
      id,
      name: 'Fabrikam',
      kind: 'reseller',
      indirectProviderIds: [],
      status: 'active',
      enrolledAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      updatedBy: actor,
    };
    expect(await directory.partner(id)).toBeUndefined();
    const [v1] = await store.commit(id, [{ kind: 'savePartner', partner: record }]);
    expect(await directory.partner(id)).toMatchObject({ id, name: 'Fabrikam', kind: 'reseller' });
    await expect(store.commit(id, [{ kind: 'savePartner', partner: record }])).rejects.toBeInstanceOf(WriteConflict);
    await store.commit(id, [{ kind: 'savePartner', partner: { ...record, name: 'Fabrikam Renamed' }, version: v1 }]);
    expect((await directory.partner(id))?.name).toBe('Fabrikam Renamed');
    await expect(store.commit(id, [{ kind: 'savePartner', partner: record, version: v1 }])).rejects.toBeInstanceOf(WriteConflict);
  });

  it('commits changes of every aggregate as one: versions in order, and a stale one leaves the others unwritten', async () => {
    const { store } = storage();
    const p = randomUUID();
    const at = new Date().toISOString();
    const webhook: Webhook = {
      partnerId: p,
      url: 'https://hooks.example/in',
      events: ['*'],
      enabled: true,
      secret: 'whsec_x',
      createdAt: at,
      updatedAt: at,
    };
    const inv = invitation(p);
    const event = auditEvent(p, 'invitation.created', actor, new Date(), { invitationId: inv.id });
    const versions = await store.commit(p, [
      { kind: 'saveWebhook', webhook },
      { kind: 'createInvitation', invitation: inv },
      recordAudit(event),
    ]);
    expect(versions).toHaveLength(3);
    expect(versions[0]).toBe((await store.webhook(p))?.version);
    expect(versions[1]).toBe((await store.invitation(p, inv.id))?.version);
    expect(versions[2]).toBeUndefined();

    // The webhook changes once more, so its first version is stale (another row's version is no
    // stale version: a transaction's rows may share one timestamp, hence one ETag).
    await store.commit(p, [{ kind: 'saveWebhook', webhook: { ...webhook, url: 'https://hooks.example/in2' }, version: versions[0]! }]);
    const delivery: Delivery = { eventId: randomUUID(), type: 'test.created', status: 'pending', attempts: 0, roundStart: 0 };
    const other = invitation(p);
    await expect(
      store.commit(p, [
        { kind: 'createInvitation', invitation: other },
        { kind: 'saveDelivery', delivery },
        recordAudit(auditEvent(p, 'invitation.created', actor, new Date(), { invitationId: other.id })),
        { kind: 'saveWebhook', webhook: { ...webhook, url: 'https://hooks.example/stale' }, version: versions[0]! },
      ]),
    ).rejects.toBeInstanceOf(WriteConflict);
    expect(await store.invitation(p, other.id)).toBeUndefined();
    expect(await store.delivery(p, delivery.eventId)).toBeUndefined();
    expect((await store.auditEvents(p, {}, { pageSize: 10 })).items.map((e) => e.id)).toEqual([event.id]);
    expect((await store.webhook(p))?.value.url).toBe('https://hooks.example/in2');

    await store.commit(p, [{ kind: 'deleteWebhook' }]);
    expect(await store.webhook(p)).toBeUndefined();
  });

  it('records events once and lists them oldest first, only once settled', async () => {
    const { store } = storage();
    const p = randomUUID();
    const at = new Date().toISOString();
    const first = cloudEvent(p, 'test.created', at, { n: 1 }, 'webhooks');
    const second = cloudEvent(p, 'test.created', at, { n: 2 }, 'webhooks');
    await store.commit(p, [recordEvent(first), recordEvent(second)]);
    expect(await store.event(p, first.id)).toEqual(first);
    await expect(store.commit(p, [recordEvent(first)])).rejects.toMatchObject({ reason: 'exists' });
    const later = new Date(Date.now() + 60_000);
    expect((await store.events(p, { settledBefore: later }, { pageSize: 10 })).items.map((e) => e.id)).toEqual([first.id, second.id]);
    expect((await store.events(p, { after: first.id, settledBefore: later }, { pageSize: 10 })).items.map((e) => e.id)).toEqual([
      second.id,
    ]);
    expect((await store.events(p, { settledBefore: new Date(Date.parse(at) - 60_000) }, { pageSize: 10 })).items).toEqual([]);
  });
});
