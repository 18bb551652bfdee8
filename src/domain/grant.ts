/**
 * The terms of a delegated admin grant: which roles, for how long, whether it extends itself.
 * Pure functions of their inputs (the clock is passed in), unit-tested in test/unit/grant.test.ts.
 */
import { badRequest, type FieldErrors } from './errors';
import type { DelegatedAccess, DelegatedAdmin } from './model';
import { DEFAULT_ROLES, GLOBAL_ADMINISTRATOR, roleById } from './roles';

export const DAY_MS = 86_400_000;
export const MIN_DAYS = 1;
/** Two years, as Microsoft's granular delegated admin allows. */
export const MAX_DAYS = 730;
/** An auto-extending grant is extended by this many days at its end. */
export const EXTENSION_DAYS = 180;
export const DEFAULT_DURATION = `P${MAX_DAYS}D`;

/** The number of days of an ISO 8601 duration of whole days (P1D..P730D), else undefined. */
export function durationDays(duration: string): number | undefined {
  const m = /^P([1-9][0-9]{0,2})D$/.exec(duration);
  if (!m) return undefined;
  const days = Number(m[1]);
  return days >= MIN_DAYS && days <= MAX_DAYS ? days : undefined;
}

/** Days are 24 hours of UTC: P365D from 1 March 2027 ends on 29 February 2028 (a leap year). */
export const addDays = (from: Date, days: number): Date => new Date(from.getTime() + days * DAY_MS);

export interface AccessRequest {
  roles?: string[] | undefined;
  duration?: string | undefined;
  autoExtend?: boolean | undefined;
}

/**
 * An invitation's access, checked: known roles only (named when not), a duration in range, no
 * auto-extension of Global Administrator. Absent fields take the least-privilege defaults.
 */
export function resolveAccess(request: AccessRequest | undefined): DelegatedAccess {
  const errors: FieldErrors = {};
  const roles = [...new Set((request?.roles ?? DEFAULT_ROLES).map((r) => r.toLowerCase()))];
  const unknown = roles.filter((r) => !roleById(r));
  if (roles.length === 0) errors['access.roles'] = ['must name at least one role (see GET /api/roles)'];
  if (unknown.length) errors['access.roles'] = [`unknown role template IDs: ${unknown.join(', ')} (see GET /api/roles)`];
  const duration = request?.duration ?? DEFAULT_DURATION;
  if (durationDays(duration) === undefined) {
    errors['access.duration'] = [`must be an ISO 8601 number of days from P${MIN_DAYS}D to P${MAX_DAYS}D, such as P90D`];
  }
  const autoExtend = request?.autoExtend ?? false;
  if (autoExtend && roles.includes(GLOBAL_ADMINISTRATOR)) {
    errors['access.autoExtend'] = ['cannot be true when Global Administrator is among the roles'];
  }
  if (Object.keys(errors).length) {
    const detail = unknown.length ? `Unknown roles: ${unknown.join(', ')}.` : 'The delegated admin access asked for is not valid.';
    throw badRequest(detail, errors);
  }
  return { roles, duration, autoExtend };
}

/** The grant an accepted invitation's access gives, from `now`. */
export function grantOf(access: DelegatedAccess, now: Date): DelegatedAdmin {
  const days = durationDays(access.duration) ?? MAX_DAYS;
  return {
    status: 'granted',
    roles: [...access.roles],
    grantedAt: now.toISOString(),
    endsAt: addDays(now, days).toISOString(),
    autoExtend: access.autoExtend,
  };
}

/** The access of an invitation made before roles existed: the defaults. */
export const accessOf = (inv: { access?: DelegatedAccess | undefined }): DelegatedAccess =>
  inv.access ?? { roles: [...DEFAULT_ROLES], duration: DEFAULT_DURATION, autoExtend: false };

export const canAutoExtend = (roles: readonly string[]) => !roles.includes(GLOBAL_ADMINISTRATOR);

/**
 * What happens to a grant at `now`: nothing yet (undefined), it ends (expired), or it is
 * extended by 180 days, repeatedly if the job ran late, until its end is in the future.
 */
export function atEnd(grant: DelegatedAdmin, now: Date): { kind: 'expire' | 'extend'; next: DelegatedAdmin } | undefined {
  if (grant.status !== 'granted' || Date.parse(grant.endsAt) > now.getTime()) return undefined;
  if (grant.autoExtend && canAutoExtend(grant.roles)) {
    let end = new Date(grant.endsAt);
    while (end.getTime() <= now.getTime()) end = addDays(end, EXTENSION_DAYS);
    return { kind: 'extend', next: { ...grant, endsAt: end.toISOString() } };
  }
  return { kind: 'expire', next: { ...grant, status: 'expired', expiredAt: now.toISOString() } };
}
