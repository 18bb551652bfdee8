/**
 * GET /api/insights: a partner's counts at a moment, from its insight counters (src/domain/
 * insightSteps.ts): the counters' sum at `asOf` is read in a bounded number of storage round
 * trips (docs/storage.md, "Insights"), and turned into the answer here.
 */
import { DAY_MS } from './grant';
import { C, DAY_PREFIX, ENDING_WINDOWS, addTally, dayOf, type Step, type Tally } from './insightSteps';
import type { Partner } from './model';
import type { Deps } from './ports';
import type { EndingGrant } from './store/insights';

/** The weeks of the answer, and the days of the acceptance rate and median. */
export const WEEKS = 12;
export const ACCEPTANCE_DAYS = 90;

export interface WeekCounts {
  /** ISO 8601 week, e.g. 2026-W49. */
  week: string;
  invited: number;
  accepted: number;
  declined: number;
  removed: number;
}

export interface Insights {
  asOf: string;
  invitations: { pending: number; accepted: number; declined: number; expired: number; revoked: number; emailed: number };
  relationships: { active: number; removed: number };
  delegatedAdmin: { granted: number; endingWithin: { '7': number; '30': number; '90': number }; expired: number; revoked: number };
  /** Over the last 90 UTC days (today included): accepted / (accepted + declined + expired); null when none ended. */
  acceptance: { rate: number | null; medianHoursToAccept: number | null };
  /** The last 12 ISO weeks, oldest first, the current one last. */
  weeks: WeekCounts[];
  /** The first customers whose delegated admin ends within 30 days, soonest first. */
  endingSoon: EndingGrant[];
}

/** How many of the customers whose access ends soon the answer names. */
export const ENDING_SOON_LIMIT = 20;
/** A read that found more settled steps than this folds them (the next read is cheap again). */
export const FOLD_AFTER_STEPS = 200;
/** Folding leaves the last minute's steps alone, so a read at a moment a minute old or newer stays exact. */
export const FOLD_MARGIN_MS = 60_000;

/** The counters as of a moment: what was folded, plus the steps not folded yet up to that moment. */
export function tallyAt(folded: Tally, steps: Step[], asOf: Date): Tally {
  const sum = { ...folded };
  for (const s of steps) if (s.at <= asOf.getTime()) addTally(sum, s.tally);
  return sum;
}

/** The ISO 8601 week of a UTC day: its year and number (the week of the year's first Thursday is week 1). */
export function isoWeek(ms: number): string {
  const d = new Date(ms);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - weekday + 3);
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY_MS));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Monday 00:00 UTC of the week of `ms`. */
const mondayOf = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
};

/** The oldest day the answer needs: 12 weeks back or 90 days back, whichever is earlier. */
export const oldestDayNeeded = (asOf: Date) =>
  Math.min(mondayOf(asOf.getTime()) - (WEEKS - 1) * 7 * DAY_MS, asOf.getTime() - (ACCEPTANCE_DAYS - 1) * DAY_MS);

const flow = (t: Tally, day: string, name: string) => t[`${DAY_PREFIX}${day}|${name}`] ?? 0;

/** The median of a histogram of whole hours (the mean of the two middle values when the count is even). */
export function medianOf(histogram: Map<number, number>): number | null {
  const total = [...histogram.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const sorted = [...histogram.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const nth = (i: number) => {
    let seen = 0;
    for (const [hours, n] of sorted) {
      seen += n;
      if (i < seen) return hours;
    }
    return sorted.at(-1)?.[0] ?? 0;
  };
  return total % 2 === 1 ? nth((total - 1) / 2) : (nth(total / 2 - 1) + nth(total / 2)) / 2;
}

/** The answer from the counters' sum at `asOf`. */
export function insightsOf(t: Tally, asOf: Date, endingSoon: EndingGrant[] = []): Insights {
  const n = (k: string) => Math.max(0, t[k] ?? 0);
  const now = asOf.getTime();
  const weeks: WeekCounts[] = [];
  for (let w = WEEKS - 1; w >= 0; w--) {
    const monday = mondayOf(now) - w * 7 * DAY_MS;
    const counts: WeekCounts = { week: isoWeek(monday), invited: 0, accepted: 0, declined: 0, removed: 0 };
    for (let d = 0; d < 7; d++) {
      const day = dayOf(monday + d * DAY_MS);
      counts.invited += flow(t, day, 'invited');
      counts.accepted += flow(t, day, 'accepted');
      counts.declined += flow(t, day, 'declined');
      counts.removed += flow(t, day, 'removed');
    }
    weeks.push(counts);
  }
  let accepted = 0;
  let ended = 0;
  const histogram = new Map<number, number>();
  for (let d = 0; d < ACCEPTANCE_DAYS; d++) {
    const day = dayOf(now - d * DAY_MS);
    const a = flow(t, day, 'accepted');
    accepted += a;
    ended += a + flow(t, day, 'declined') + flow(t, day, 'expired');
    const prefix = `${DAY_PREFIX}${day}|h|`;
    for (const [k, v] of Object.entries(t)) {
      if (k.startsWith(prefix)) histogram.set(Number(k.slice(prefix.length)), (histogram.get(Number(k.slice(prefix.length))) ?? 0) + v);
    }
  }
  return {
    asOf: asOf.toISOString(),
    invitations: {
      pending: n(C.pending),
      accepted: n(C.accepted),
      declined: n(C.declined),
      expired: n(C.expired),
      revoked: n(C.revoked),
      emailed: n(C.emailed),
    },
    relationships: { active: n(C.active), removed: n(C.removed) },
    delegatedAdmin: {
      granted: n(C.granted),
      endingWithin: Object.fromEntries(
        ENDING_WINDOWS.map((d) => [String(d), n(C.endingWithin(d))]),
      ) as Insights['delegatedAdmin']['endingWithin'],
      expired: n(C.daExpired),
      revoked: n(C.daRevoked),
    },
    acceptance: { rate: ended > 0 ? Math.round((accepted / ended) * 10_000) / 10_000 : null, medianHoursToAccept: medianOf(histogram) },
    weeks,
    endingSoon,
  };
}

/** GET /api/insights: the caller's partner's insights now. */
export async function getInsights(deps: Pick<Deps, 'store' | 'clock'>, partner: Partner): Promise<Insights> {
  const asOf = deps.clock.now();
  const { folded, steps, endingSoon } = await deps.store.insightCounters(partner.id, asOf, ENDING_SOON_LIMIT);
  // Steps pile up only while nothing folds them (expiries falling due for an idle partner): this
  // read folds them, so the next one reads little again. Its failure changes nothing here.
  const settled = steps.filter((s) => s.at <= asOf.getTime() - FOLD_MARGIN_MS).length;
  if (settled > FOLD_AFTER_STEPS) void foldInsights(deps, partner.id).catch(() => undefined);
  return insightsOf(tallyAt(folded, steps, asOf), asOf, endingSoon);
}

/**
 * Due work: folds a partner's settled steps into its sum. Run after each commit's events are
 * handled (the event's queue message is the record of this work) and after a read that found many.
 */
export function foldInsights(deps: Pick<Deps, 'store' | 'clock'>, partnerId: string): Promise<number> {
  const now = deps.clock.now();
  // A week more than the answer needs, so a late step of a day still inside the window is kept.
  return deps.store.foldInsights(partnerId, now, dayOf(oldestDayNeeded(now) - 7 * DAY_MS));
}

/** When this instance last folded each partner's steps after a commit's events (foldAfterCommit). */
const lastFolds = new Map<string, number>();

/**
 * The due work after a commit's events (deliverEvents): `foldInsights`, at most once per
 * FOLD_MARGIN_MS per partner in this instance. A step is folded only FOLD_MARGIN_MS after its time,
 * so a busy partner's steps are folded once a minute instead of a range read per message; a
 * partner's first message after a quiet minute folds (one read, and a write when it found steps).
 * Steps left meanwhile are summed by reads, and folded by a read that finds many.
 */
export async function foldAfterCommit(deps: Pick<Deps, 'store' | 'clock'>, partnerId: string): Promise<number> {
  const now = deps.clock.now().getTime();
  const last = lastFolds.get(partnerId);
  if (last !== undefined && now >= last && now - last < FOLD_MARGIN_MS) return 0;
  if (lastFolds.size >= 100_000) lastFolds.clear();
  lastFolds.set(partnerId, now);
  return foldInsights(deps, partnerId);
}
