/** The warning points of src/domain/endingSoon.ts and their port (types only: the ports and adapters import them). */

/** A warning point: emit a warning `days` before `endsAt` of a grant or an invitation, at `dueAt`. */
export interface Warning {
  kind: 'grant' | 'invitation';
  partnerId: string;
  /** The customer ID (grant) or the invitation ID. */
  subjectId: string;
  /** The end the point was computed for: a different end now means the point is stale. */
  endsAt: string;
  days: number;
  dueAt: string;
}

/** Due warning rows, spread over time buckets and shards (no partition every partner writes to). */
export interface WarningSchedule {
  schedule(warnings: Warning[]): Promise<void>;
  /** Warnings due at or before `now`, earliest buckets first (at most `limit`). */
  due(now: Date, limit: number): Promise<Warning[]>;
  /** Forgets a processed warning. */
  done(warning: Warning): Promise<void>;
}
