/**
 * Budgets: how often a partner may make the service do work on its behalf (test events,
 * redeliveries). A budget is a count within a fixed window, kept in storage with its version,
 * so every instance spends the same budget; beyond it the caller is told when to come back.
 */
import { limited } from './errors';
import type { Spent } from './model';

export type { Spent };

export interface Budget {
  /** What is limited, as the refusal names it. */
  what: string;
  limit: number;
  windowMs: number;
}

/** Test events: 5 a minute per partner. */
export const TEST_EVENTS: Budget = { what: 'test events', limit: 5, windowMs: 60_000 };
/** Redeliveries: 10 a minute per partner... */
export const REDELIVERIES: Budget = { what: 'redeliveries', limit: 10, windowMs: 60_000 };
/** ... and 3 an hour per event. */
export const REDELIVERIES_OF_AN_EVENT: Budget = { what: 'redeliveries of this event', limit: 3, windowMs: 3600_000 };

/** The budget after one more use, or a 429 `rate-limited` with the seconds until its window ends. */
export function spend(budget: Budget, spent: Spent | undefined, now: Date): Spent {
  const start = spent ? Date.parse(spent.start) : NaN;
  const current = spent && now.getTime() - start < budget.windowMs ? spent : undefined;
  if (!current) return { start: now.toISOString(), count: 1 };
  if (current.count >= budget.limit) {
    const per = budget.windowMs >= 3600_000 ? `${budget.windowMs / 3600_000} h` : `${budget.windowMs / 60_000} min`;
    throw limited(
      `Too many ${budget.what}: at most ${budget.limit} per ${per}. Try again later.`,
      (start + budget.windowMs - now.getTime()) / 1000,
      'rate-limited',
    );
  }
  return { start: current.start, count: current.count + 1 };
}
