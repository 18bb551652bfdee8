/**
 * An endpoint's circuit: after FAILING_AFTER failed attempts in a row it is `failing`, and its
 * deliveries wait for one probe at a time (backing off from 1 minute to 1 hour); a success
 * closes it. Failing for DISABLED_AFTER_MS, it is `disabled`: its deliveries are held until a
 * test event or a PUT with `enabled: true` re-enables it (the feed keeps every event).
 */
export const HEALTH_STATUSES = ['healthy', 'failing', 'disabled'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export interface WebhookHealth {
  status: HealthStatus;
  /** When the current run of failures began. */
  failingSince?: string | undefined;
  consecutiveFailures: number;
  /** While failing: no attempt before this (one probe claims it). */
  nextProbeAt?: string | undefined;
}

export const HEALTHY: WebhookHealth = { status: 'healthy', consecutiveFailures: 0 };
export const FAILING_AFTER = 5;
export const DISABLED_AFTER_MS = 3 * 86_400_000;
const PROBE_MIN_MS = 60_000;
const PROBE_MAX_MS = 3600_000;

/** The wait before the next probe after `failures` in a row (times the retry scale). */
export function probeDelayMs(failures: number, scale: number): number {
  return Math.min(PROBE_MAX_MS, PROBE_MIN_MS * 2 ** Math.max(0, failures - FAILING_AFTER)) * scale;
}

/** What an attempt may do now: go, wait until a time (a probe is due then), or be held. */
export function gate(health: WebhookHealth | undefined, now: Date): { go: true } | { waitUntil: Date } | { hold: true } {
  if (!health || health.status === 'healthy') return { go: true };
  if (health.status === 'disabled') return { hold: true };
  const probe = Date.parse(health.nextProbeAt ?? '');
  return probe > now.getTime() ? { waitUntil: new Date(probe) } : { go: true };
}

/** Health after an attempt; undefined when nothing changes (a healthy endpoint's success writes nothing). */
export function afterAttempt(health: WebhookHealth | undefined, ok: boolean, now: Date, scale: number): WebhookHealth | undefined {
  const h = health ?? HEALTHY;
  if (ok) return h.status === 'healthy' && h.consecutiveFailures === 0 ? undefined : HEALTHY;
  if (h.status === 'disabled') return undefined;
  const failures = h.consecutiveFailures + 1;
  const failingSince = h.failingSince ?? now.toISOString();
  if (failures < FAILING_AFTER) return { status: 'healthy', consecutiveFailures: failures, failingSince };
  if (now.getTime() - Date.parse(failingSince) >= DISABLED_AFTER_MS * scale) {
    return { status: 'disabled', consecutiveFailures: failures, failingSince };
  }
  return {
    status: 'failing',
    consecutiveFailures: failures,
    failingSince,
    nextProbeAt: new Date(now.getTime() + probeDelayMs(failures, scale)).toISOString(),
  };
}

/** A probe claimed: the next one waits (so concurrent workers send one probe, not one each). */
export function claimProbe(health: WebhookHealth, now: Date, scale: number): WebhookHealth {
  return { ...health, nextProbeAt: new Date(now.getTime() + probeDelayMs(health.consecutiveFailures, scale)).toISOString() };
}
