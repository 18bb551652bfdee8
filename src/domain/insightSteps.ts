/**
 * What a partner's invitations and relationships add to its insight counters, as steps in time.
 *
 * A record's contribution is a function of time: a pending invitation counts as pending until it
 * expires and as expired from then on; a granted delegated admin counts as ending within 90 days
 * from 90 days before its end, and so on. It is written as steps: "from `at` on, add `tally`". A
 * change of a record adds the steps of its new state and subtracts those of the state it replaces
 * (the state its commit is guarded by), so the sum of all steps at or before a moment is exactly
 * what the records say at that moment, even for times no one writes at (an expiry nobody touches).
 * Pure functions, unit-tested in test/unit/insightSteps.test.ts.
 */
import type { Invitation, Relationship } from './model';
import { DAY_MS } from './grant';

/** Counter name → count. */
export type Tally = Record<string, number>;

/** From `at` (milliseconds since the epoch) on, the counters change by `tally`. */
export interface Step {
  at: number;
  tally: Tally;
}

/** The windows of "access ending within N days". */
export const ENDING_WINDOWS = [7, 30, 90] as const;

/** Counters of stocks (how many records are in a state). */
export const C = {
  pending: 'inv.pending',
  accepted: 'inv.accepted',
  declined: 'inv.declined',
  expired: 'inv.expired',
  revoked: 'inv.revoked',
  emailed: 'inv.emailed',
  active: 'rel.active',
  removed: 'rel.removed',
  granted: 'da.granted',
  daExpired: 'da.expired',
  daRevoked: 'da.revoked',
  endingWithin: (days: number) => `da.end${days}`,
} as const;

/** Flows of one UTC day: what happened that day (the weeks and the 90-day acceptance are sums of days). */
export const FLOWS = ['invited', 'accepted', 'declined', 'expired', 'removed'] as const;
export type Flow = (typeof FLOWS)[number];

/** The UTC day (YYYY-MM-DD) of a time. */
export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const DAY_PREFIX = 'd|';
export const dayFlow = (ms: number, flow: Flow) => `${DAY_PREFIX}${dayOf(ms)}|${flow}`;
/** One acceptance taking `hours` whole hours from invitation to acceptance, on its day: the histogram of the median. */
export const dayHours = (ms: number, hours: number) => `${DAY_PREFIX}${dayOf(ms)}|h|${hours}`;

const ms = (iso: string) => Date.parse(iso);
const step = (at: number, tally: Tally): Step => ({ at, tally });

/** The steps of an invitation in its stored state. */
export function invitationSteps(inv: Invitation): Step[] {
  const created = ms(inv.createdAt);
  const steps: Step[] = [step(created, { [dayFlow(created, 'invited')]: 1, ...(inv.email.status === 'sent' ? { [C.emailed]: 1 } : {}) })];
  const expires = ms(inv.expiresAt);
  switch (inv.status) {
    case 'pending':
      // Pending until its expiry, expired from then on: no one has to write at that moment.
      steps.push(step(created, { [C.pending]: 1 }), step(expires, { [C.pending]: -1, [C.expired]: 1, [dayFlow(expires, 'expired')]: 1 }));
      break;
    case 'expired':
      steps.push(step(created, { [C.expired]: 1 }), step(expires, { [dayFlow(expires, 'expired')]: 1 }));
      break;
    case 'accepted': {
      const at = ms(inv.acceptedAt ?? inv.closedAt ?? inv.createdAt);
      const hours = Math.max(0, Math.floor((at - created) / 3_600_000));
      steps.push(step(at, { [C.accepted]: 1, [dayFlow(at, 'accepted')]: 1, [dayHours(at, hours)]: 1 }));
      break;
    }
    case 'declined': {
      const at = ms(inv.closedAt ?? inv.createdAt);
      steps.push(step(at, { [C.declined]: 1, [dayFlow(at, 'declined')]: 1 }));
      break;
    }
    case 'revoked':
      steps.push(step(ms(inv.closedAt ?? inv.createdAt), { [C.revoked]: 1 }));
      break;
  }
  return steps;
}

/** The steps of a relationship in its stored state. */
export function relationshipSteps(r: Relationship): Step[] {
  const since = ms(r.establishedAt);
  const steps: Step[] = [step(since, { [r.status === 'active' ? C.active : C.removed]: 1 })];
  const da = r.delegatedAdmin;
  if (da.status === 'revoked') steps.push(step(since, { [C.daRevoked]: 1 }));
  else if (da.status === 'expired') steps.push(step(since, { [C.daExpired]: 1 }));
  else {
    const end = ms(da.endsAt);
    steps.push(step(since, { [C.granted]: 1 }));
    for (const days of ENDING_WINDOWS) {
      steps.push(step(end - days * DAY_MS, { [C.endingWithin(days)]: 1 }), step(end, { [C.endingWithin(days)]: -1 }));
    }
    // Past its end a grant is expired (the expiry job records it within minutes); an
    // auto-extending one is extended instead, and stays granted.
    if (!da.autoExtend) steps.push(step(end, { [C.granted]: -1, [C.daExpired]: 1 }));
  }
  return steps;
}

const negate = (steps: Step[]): Step[] =>
  steps.map((s) => step(s.at, Object.fromEntries(Object.entries(s.tally).map(([k, v]) => [k, -v]))));

/** Steps merged by time, zero counts dropped, in time order. */
export function mergeSteps(steps: Step[]): Step[] {
  const byTime = new Map<number, Tally>();
  for (const s of steps) {
    const tally = byTime.get(s.at) ?? {};
    for (const [k, v] of Object.entries(s.tally)) tally[k] = (tally[k] ?? 0) + v;
    byTime.set(s.at, tally);
  }
  return [...byTime.entries()]
    .map(([at, tally]) => step(at, Object.fromEntries(Object.entries(tally).filter(([, v]) => v !== 0))))
    .filter((s) => Object.keys(s.tally).length > 0)
    .sort((a, b) => a.at - b.at);
}

/**
 * What a change of an invitation adds: its new state's steps minus those of the state it
 * replaces (`previous` absent for a new invitation, or for one never counted: see backfill).
 */
export const invitationDelta = (next: Invitation, previous: Invitation | undefined): Step[] =>
  mergeSteps([...invitationSteps(next), ...(previous ? negate(invitationSteps(previous)) : [])]);

/**
 * What a change of a relationship adds: the difference of its states, plus the removal as a
 * flow of the day it happened (a flow stays counted when the relationship comes back).
 */
export function relationshipDelta(next: Relationship, previous: Relationship | undefined): Step[] {
  const removal =
    next.status === 'removed' && previous?.status !== 'removed'
      ? [step(ms(next.removedAt ?? next.establishedAt), { [dayFlow(ms(next.removedAt ?? next.establishedAt), 'removed')]: 1 })]
      : [];
  return mergeSteps([...relationshipSteps(next), ...(previous ? negate(relationshipSteps(previous)) : []), ...removal]);
}

/** Adds a tally into another. */
export function addTally(into: Tally, tally: Tally): Tally {
  for (const [k, v] of Object.entries(tally)) {
    const sum = (into[k] ?? 0) + v;
    if (sum === 0) delete into[k];
    else into[k] = sum;
  }
  return into;
}
