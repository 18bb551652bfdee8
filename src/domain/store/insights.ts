/** A partner's insight counters (src/domain/insightSteps.ts), kept by the commits of the changes they count. */
import type { Step, Tally } from '../insightSteps';

/** A customer whose delegated admin ends soon. */
export interface EndingGrant {
  customerId: string;
  companyName: string;
  endsAt: string;
}

export interface InsightCounters {
  /** The steps folded so far, summed. */
  folded: Tally;
  /** The steps not folded yet, up to the moment read. */
  steps: Step[];
  /** Active relationships whose granted delegated admin ends after the moment read and within 30 days, soonest first. */
  endingSoon: EndingGrant[];
}

export interface InsightStore {
  /** The counters at `asOf`, in a bounded number of storage round trips (two, in parallel). */
  insightCounters(partnerId: string, asOf: Date, endingSoonLimit: number): Promise<InsightCounters>;
  /**
   * Folds the steps of a minute before `now` and older into the sum (due work), forgetting the
   * days before `keepDaysFrom` (YYYY-MM-DD) that no answer needs any more; returns how many.
   */
  foldInsights(partnerId: string, now: Date, keepDaysFrom: string): Promise<number>;
}
