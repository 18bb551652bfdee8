/**
 * Warnings before access ends: `delegatedAdmin.endingSoon` 30, 7 and 1 days before a grant ends
 * without auto-extension, `invitation.expiringSoon` 3 days before a pending invitation expires.
 *
 * Driven by due rows (the WarningSchedule port): a grant or invitation gets ONE row, its next
 * warning point, carried by the announcement of the commit that sets its end (sent before the
 * commit) and written by its worker after the answer (a failed commit whose announcement was not
 * withdrawn leaves a row that the job drops). When a row falls due the job re-reads the truth: a grant whose end moved, that
 * was revoked, expired or extends itself, an invitation no longer pending, drops the row (the new
 * end has its own row: warnings are rescheduled or cancelled that way). Otherwise it commits the
 * event in the partner's data with a marker row inserted in the same commit, so a warning is
 * emitted once however often the job runs or crashes; then it schedules the next point.
 *
 * Something that starts already inside a window gets that window's warning at once and never the
 * wider ones: the points are the windows whose start is still ahead, plus the narrowest window
 * already entered (due now).
 */
import { cloudEvent, relationshipData, invitationData, recordEvent } from './events';
import { WriteConflict } from './errors';
import { DAY_MS } from './grant';
import type { DelegatedAdmin, Invitation, Relationship } from './model';
import type { Deps } from './ports';
import type { Warning } from './warnings';

export type { Warning, WarningSchedule } from './warnings';

export const GRANT_WINDOWS = [30, 7, 1] as const;
export const INVITATION_WINDOWS = [3] as const;

export const warningKey = (w: Pick<Warning, 'kind' | 'subjectId' | 'endsAt' | 'days'>) => `${w.kind}|${w.subjectId}|${w.endsAt}|${w.days}`;

/** The next point of an end: the widest window still ahead, or the narrowest already entered (due now); none after `after`. */
export function nextPoint(
  base: Omit<Warning, 'days' | 'dueAt'>,
  windows: readonly number[],
  now: Date,
  after?: number,
): Warning | undefined {
  const end = Date.parse(base.endsAt);
  if (end <= now.getTime()) return undefined;
  const open = windows.filter((d) => after === undefined || d < after);
  const ahead = open.filter((d) => end - d * DAY_MS > now.getTime());
  const entered = open.filter((d) => end - d * DAY_MS <= now.getTime());
  // The next point in time: a window already entered (its warning is due now) comes before any ahead.
  const days = entered.length ? Math.min(...entered) : ahead.length ? Math.max(...ahead) : undefined;
  if (days === undefined) return undefined;
  const dueAt = Math.max(now.getTime(), end - days * DAY_MS);
  return { ...base, days, dueAt: new Date(dueAt).toISOString() };
}

const warnsFor = (g: DelegatedAdmin) => g.status === 'granted' && !g.autoExtend;

/** The first warning of a relationship's grant, if it is one that ends (granted, not extending itself). */
export function grantWarning(r: Relationship, now: Date): Warning | undefined {
  if (r.status !== 'active' || !warnsFor(r.delegatedAdmin)) return undefined;
  return nextPoint({ kind: 'grant', partnerId: r.partnerId, subjectId: r.customerId, endsAt: r.delegatedAdmin.endsAt }, GRANT_WINDOWS, now);
}

export function invitationWarning(inv: Invitation, now: Date): Warning | undefined {
  return nextPoint({ kind: 'invitation', partnerId: inv.partnerId, subjectId: inv.id, endsAt: inv.expiresAt }, INVITATION_WINDOWS, now);
}

export type WarningDeps = Pick<Deps, 'store' | 'clock' | 'warnings'>;

/** The first warning point of each relationship that needs one (carried by its commit's announcement). */
export const grantWarnings = (relationships: Relationship[], now: Date): Warning[] =>
  relationships.flatMap((r) => grantWarning(r, now) ?? []);

/** What a due warning emits, if it still holds: the event's type and data, and the next point. */
async function stillHolds(
  deps: WarningDeps,
  w: Warning,
): Promise<{ type: 'delegatedAdmin.endingSoon' | 'invitation.expiringSoon'; data: Record<string, unknown>; subject: string } | undefined> {
  if (w.kind === 'grant') {
    const r = (await deps.store.relationship(w.partnerId, w.subjectId))?.value;
    if (!r || r.status !== 'active' || !warnsFor(r.delegatedAdmin) || r.delegatedAdmin.endsAt !== w.endsAt) return undefined;
    return {
      type: 'delegatedAdmin.endingSoon',
      data: { ...relationshipData(r), endsAt: w.endsAt, days: w.days },
      subject: `relationships/${w.subjectId}`,
    };
  }
  const inv = (await deps.store.invitation(w.partnerId, w.subjectId))?.value;
  if (!inv || inv.status !== 'pending' || inv.expiresAt !== w.endsAt) return undefined;
  return { type: 'invitation.expiringSoon', data: { ...invitationData(inv), days: w.days }, subject: `invitations/${w.subjectId}` };
}

export interface WarningRun {
  due: number;
  emitted: number;
  dropped: number;
}

/**
 * The job: emits every warning due by now, at most once each (see above), and schedules each
 * one's next point. `afterEmit` runs for an emitted invitation warning (the reminder email).
 */
export async function processWarnings(deps: WarningDeps, limit = 200, afterEmit?: (w: Warning) => Promise<void>): Promise<WarningRun> {
  const now = deps.clock.now();
  const due = await deps.warnings.due(now, limit);
  let emitted = 0;
  let dropped = 0;
  for (const w of due) {
    const holds = await stillHolds(deps, w);
    if (!holds) {
      dropped++;
      await deps.warnings.done(w);
      continue;
    }
    try {
      const event = cloudEvent(w.partnerId, holds.type, now.toISOString(), holds.data, holds.subject);
      await deps.store.commit(w.partnerId, [recordEvent(event), { kind: 'markWarning', key: warningKey(w) }]);
      emitted++;
    } catch (err) {
      // Emitted before (a run that stopped before forgetting the row): nothing to emit again.
      if (!(err instanceof WriteConflict)) throw err;
    }
    // Idempotent itself (a reminder is one email operation): run again after a crash, it sends nothing twice.
    await afterEmit?.(w);
    const windows = w.kind === 'grant' ? GRANT_WINDOWS : INVITATION_WINDOWS;
    const next = nextPoint({ kind: w.kind, partnerId: w.partnerId, subjectId: w.subjectId, endsAt: w.endsAt }, windows, now, w.days);
    if (next) await deps.warnings.schedule([next]);
    await deps.warnings.done(w);
  }
  return { due: due.length, emitted, dropped };
}
