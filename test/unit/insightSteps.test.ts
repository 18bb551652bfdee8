/** The insight counters' steps: the sum of a partner's steps at a moment is what its records say at that moment. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/domain/grant';
import { insightsOf, isoWeek, medianOf, tallyAt } from '../../src/domain/insights';
import { invitationDelta, relationshipDelta, type Step } from '../../src/domain/insightSteps';
import type { Invitation, InvitationStatus, Relationship } from '../../src/domain/model';

const T0 = Date.parse('2026-12-01T09:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const actor = { id: 'u', name: 'u', tenantId: 't' };

function invitation(id: string, createdAt: number, ttlDays = 30): Invitation {
  return {
    id,
    partnerId: 'p',
    partnerName: 'P',
    kind: 'reseller',
    customer: { companyName: 'C', email: 'a@c.example' },
    status: 'pending',
    nonce: 'n',
    expiresAt: iso(createdAt + ttlDays * DAY_MS),
    locale: 'en',
    email: { status: 'notSent' },
    createdAt: iso(createdAt),
    createdBy: actor,
  };
}

function relationship(customerId: string, at: number, days: number, autoExtend = false): Relationship {
  return {
    partnerId: 'p',
    customerId,
    companyName: `Company ${customerId}`,
    role: 'reseller',
    status: 'active',
    delegatedAdmin: { status: 'granted', roles: ['r'], grantedAt: iso(at), endsAt: iso(at + days * DAY_MS), autoExtend },
    invitationId: 'i',
    establishedAt: iso(at),
    rev: 'r1',
  };
}

const at = (steps: Step[], ms: number) => insightsOf(tallyAt({}, steps, new Date(ms)), new Date(ms));

describe('invitation steps', () => {
  it('counts a pending invitation as pending until it expires and as expired from then on, with no write at expiry', () => {
    const inv = invitation('a', T0);
    const steps = invitationDelta(inv, undefined);
    expect(at(steps, T0).invitations).toMatchObject({ pending: 1, expired: 0 });
    expect(at(steps, T0 + 30 * DAY_MS - 1).invitations).toMatchObject({ pending: 1, expired: 0 });
    expect(at(steps, T0 + 30 * DAY_MS).invitations).toMatchObject({ pending: 0, expired: 1 });
    expect(at(steps, T0).weeks.at(-1)).toMatchObject({ week: '2026-W49', invited: 1 });
  });

  it('cancels the expiry of an invitation accepted in time, and records the acceptance once', () => {
    const inv = invitation('a', T0);
    const accepted: Invitation = { ...inv, status: 'accepted', acceptedAt: iso(T0 + 5 * 3_600_000 + 59_000), email: { status: 'sent' } };
    const steps = [...invitationDelta(inv, undefined), ...invitationDelta(accepted, inv)];
    for (const t of [T0 + 6 * 3_600_000, T0 + 31 * DAY_MS]) {
      const r = at(steps, t);
      expect(r.invitations).toEqual({ pending: 0, accepted: 1, declined: 0, expired: 0, revoked: 0, emailed: 1 });
      expect(r.acceptance).toEqual({ rate: 1, medianHoursToAccept: 5 });
    }
    // A later change of the accepted invitation (its provider step) changes no count.
    expect(invitationDelta({ ...accepted, providerStep: 'done' }, accepted)).toEqual([]);
  });

  it('an expiry recorded lazily adds nothing to what time already counted', () => {
    const inv = invitation('a', T0, 1);
    const expired: Invitation = { ...inv, status: 'expired', closedAt: iso(T0 + 3 * DAY_MS) };
    const steps = [...invitationDelta(inv, undefined), ...invitationDelta(expired, inv)];
    expect(at(steps, T0 + 3 * DAY_MS).invitations).toMatchObject({ pending: 0, expired: 1 });
    expect(at(steps, T0 + 3 * DAY_MS).acceptance.rate).toBe(0);
  });
});

describe('relationship steps', () => {
  it('counts a grant as ending within 90, 30 and 7 days at exactly those moments, and expired at its end', () => {
    const r = relationship('c', T0, 100);
    const steps = relationshipDelta(r, undefined);
    const end = T0 + 100 * DAY_MS;
    expect(at(steps, end - 90 * DAY_MS - 1).delegatedAdmin.endingWithin).toEqual({ '7': 0, '30': 0, '90': 0 });
    expect(at(steps, end - 90 * DAY_MS).delegatedAdmin.endingWithin).toEqual({ '7': 0, '30': 0, '90': 1 });
    expect(at(steps, end - 30 * DAY_MS).delegatedAdmin.endingWithin).toEqual({ '7': 0, '30': 1, '90': 1 });
    expect(at(steps, end - 7 * DAY_MS).delegatedAdmin.endingWithin).toEqual({ '7': 1, '30': 1, '90': 1 });
    expect(at(steps, end - 1).delegatedAdmin).toMatchObject({ granted: 1, expired: 0 });
    expect(at(steps, end).delegatedAdmin).toEqual({ granted: 0, endingWithin: { '7': 0, '30': 0, '90': 0 }, expired: 1, revoked: 0 });
    // Auto-extending: it stays granted past its end (the job extends it).
    expect(at(relationshipDelta(relationship('d', T0, 100, true), undefined), end).delegatedAdmin.granted).toBe(1);
  });

  it('moves a removed relationship and its revoked grant; the removal stays in its week when the customer comes back', () => {
    const r = relationship('c', T0, 100);
    const removedAt = T0 + 2 * DAY_MS;
    const removed: Relationship = {
      ...r,
      status: 'removed',
      removedAt: iso(removedAt),
      delegatedAdmin: { ...r.delegatedAdmin, status: 'revoked', revokedAt: iso(removedAt) },
    };
    const back = relationship('c', T0 + 10 * DAY_MS, 30);
    const steps = [...relationshipDelta(r, undefined), ...relationshipDelta(removed, r)];
    let s = at(steps, removedAt);
    expect(s.relationships).toEqual({ active: 0, removed: 1 });
    expect(s.delegatedAdmin).toMatchObject({ granted: 0, revoked: 1 });
    expect(s.weeks.find((w) => w.week === isoWeek(removedAt))?.removed).toBe(1);
    steps.push(...relationshipDelta(back, removed));
    s = at(steps, T0 + 10 * DAY_MS);
    expect(s.relationships).toEqual({ active: 1, removed: 0 });
    expect(s.delegatedAdmin).toMatchObject({ granted: 1, revoked: 0, endingWithin: { '30': 1, '90': 1 } });
    expect(s.weeks.find((w) => w.week === isoWeek(removedAt))?.removed).toBe(1);
  });
});

describe('weeks and the median', () => {
  it('names ISO weeks across year ends', () => {
    expect(isoWeek(Date.parse('2026-12-06T23:59:59Z'))).toBe('2026-W49');
    expect(isoWeek(Date.parse('2026-12-07T00:00:00Z'))).toBe('2026-W50');
    expect(isoWeek(Date.parse('2021-01-03T12:00:00Z'))).toBe('2020-W53');
    expect(isoWeek(Date.parse('2024-12-30T12:00:00Z'))).toBe('2025-W01');
  });

  it('answers 12 weeks, oldest first, the current one last', () => {
    const weeks = at([], T0).weeks.map((w) => w.week);
    expect(weeks).toHaveLength(12);
    expect(weeks.at(-1)).toBe('2026-W49');
    expect(weeks[0]).toBe('2026-W38');
  });

  it('takes the median of a histogram of whole hours', () => {
    expect(medianOf(new Map())).toBeNull();
    expect(medianOf(new Map([[3, 1]]))).toBe(3);
    expect(
      medianOf(
        new Map([
          [1, 1],
          [2, 1],
          [30, 1],
        ]),
      ),
    ).toBe(2);
    expect(
      medianOf(
        new Map([
          [1, 2],
          [4, 2],
        ]),
      ),
    ).toBe(2.5);
  });
});

describe('any history of changes', () => {
  type Plan = { created: number; ttl: number; outcome: InvitationStatus; after: number; emailed: boolean };
  const plan = fc.record({
    created: fc.integer({ min: 0, max: 60 * DAY_MS }),
    ttl: fc.integer({ min: 1, max: 40 }),
    outcome: fc.constantFrom<InvitationStatus>('pending', 'accepted', 'declined', 'revoked', 'expired'),
    after: fc.integer({ min: 0, max: 45 * DAY_MS }),
    emailed: fc.boolean(),
  });

  it('sums, at any later moment, to what the invitations themselves say', () => {
    fc.assert(
      fc.property(fc.array(plan, { maxLength: 25 }), fc.integer({ min: 0, max: 120 * DAY_MS }), (plans: Plan[], probe) => {
        const steps: Step[] = [];
        const finals: Invitation[] = [];
        let last = T0;
        plans.forEach((p, i) => {
          const inv = invitation(String(i), T0 + p.created, p.ttl);
          steps.push(...invitationDelta(inv, undefined));
          const expires = Date.parse(inv.expiresAt);
          const when = T0 + p.created + p.after;
          let next: Invitation = inv;
          // Answers and revocations only while pending; a lazily recorded expiry only after it.
          if (p.outcome === 'expired' && when >= expires) next = { ...inv, status: 'expired', closedAt: iso(when) };
          else if (p.outcome !== 'pending' && p.outcome !== 'expired' && when < expires)
            next = { ...inv, status: p.outcome, closedAt: iso(when), ...(p.outcome === 'accepted' ? { acceptedAt: iso(when) } : {}) };
          if (p.emailed) next = { ...next, email: { status: 'sent' } };
          if (next !== inv) steps.push(...invitationDelta(next, inv));
          finals.push(next);
          last = Math.max(last, when, T0 + p.created);
        });
        const t = last + probe;
        const got = at(steps, t).invitations;
        const status = (inv: Invitation) => (inv.status === 'pending' && t >= Date.parse(inv.expiresAt) ? 'expired' : inv.status);
        const count = (s: InvitationStatus) => finals.filter((inv) => status(inv) === s).length;
        expect(got).toEqual({
          pending: count('pending'),
          accepted: count('accepted'),
          declined: count('declined'),
          expired: count('expired'),
          revoked: count('revoked'),
          emailed: finals.filter((inv) => inv.email.status === 'sent').length,
        });
      }),
      { numRuns: 300 },
    );
  });
});
