/**
 * Deliveries in flight in this process, per partner (the DeliverySlots port): at most
 * MAX_IN_FLIGHT_PER_PARTNER at once, so one partner's receiver that hangs holds a few workers,
 * never all of them; the others' deliveries go on.
 *
 * A partner at its cap whose receiver answers quickly gets the next slot given back, waiting
 * here up to QUICK_WAIT_MS, first come first served (at most MAX_WAITERS at once): a burst of
 * events to a healthy receiver goes out in the time its answers take, instead of waiting seconds
 * in the queue. "Answers quickly": its last attempt took under ANSWERING_MS, or, with no attempt
 * in the last HISTORY_MS, its attempts under way began less than ANSWERING_MS ago. A partner whose
 * attempts hang gives no slot back quickly, so its deliveries wait in the queue at once and hold
 * no worker (beyond at most QUICK_WAIT_MS at the very start of a hang).
 *
 * A partner whose endpoint is failing is remembered until its next probe, so its deliveries wait
 * in the queue without a read.
 */
import type { DeliverySlots } from '../domain/ports';

export const MAX_IN_FLIGHT_PER_PARTNER = 4;
export const QUICK_WAIT_MS = 1_000;
export const ANSWERING_MS = 1_000;
const HISTORY_MS = 10_000;
export const MAX_WAITERS = 32;
const MAX_PAUSE_MS = 30_000;

type Release = () => void;

interface Partner {
  /** When each slot in use was taken (handed over: when it was handed). */
  inFlight: number[];
  /** Waiting here for a slot, first come first served. */
  waiters: ((release: Release) => void)[];
}

/** The partner's last attempt: when it gave its slot back, and how long it held it. */
interface LastAttempt {
  at: number;
  heldMs: number;
}

export class MemorySlots implements DeliverySlots {
  private readonly partners = new Map<string, Partner>();
  private readonly last = new Map<string, LastAttempt>();
  private readonly paused = new Map<string, number>();

  constructor(private readonly cap = MAX_IN_FLIGHT_PER_PARTNER) {}

  take(partnerId: string): Promise<Release | undefined> {
    const p = this.partners.get(partnerId) ?? { inFlight: [], waiters: [] };
    this.partners.set(partnerId, p);
    if (p.inFlight.length < this.cap) return Promise.resolve(this.slot(partnerId, p));
    if (!this.answering(partnerId, p) || p.waiters.length >= MAX_WAITERS) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter = (release: Release) => {
        clearTimeout(timer);
        resolve(release);
      };
      const timer = setTimeout(() => {
        p.waiters.splice(p.waiters.indexOf(waiter), 1);
        resolve(undefined);
      }, QUICK_WAIT_MS);
      timer.unref();
      p.waiters.push(waiter);
    });
  }

  private answering(partnerId: string, p: Partner): boolean {
    const now = Date.now();
    const last = this.last.get(partnerId);
    if (last && now - last.at < HISTORY_MS) return last.heldMs < ANSWERING_MS;
    return now - Math.min(...p.inFlight) < ANSWERING_MS;
  }

  /** A slot in use from now; giving it back (once) hands it to the first waiter, if any. */
  private slot(partnerId: string, p: Partner): Release {
    const taken = Date.now();
    p.inFlight.push(taken);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const now = Date.now();
      if (this.last.size > 10_000) this.last.clear();
      this.last.set(partnerId, { at: now, heldMs: now - taken });
      p.inFlight.splice(p.inFlight.indexOf(taken), 1);
      const next = p.waiters.shift();
      if (next) next(this.slot(partnerId, p));
      else if (p.inFlight.length === 0) this.partners.delete(partnerId);
    };
  }

  pause(partnerId: string, until: Date): void {
    if (this.paused.size > 10_000) this.paused.clear();
    // Never long: a test event may close the circuit on another instance meanwhile.
    this.paused.set(partnerId, Math.min(until.getTime(), Date.now() + MAX_PAUSE_MS));
  }

  resume(partnerId: string): void {
    this.paused.delete(partnerId);
  }

  pausedUntil(partnerId: string): Date | undefined {
    const until = this.paused.get(partnerId);
    if (until === undefined || until <= Date.now()) {
      this.paused.delete(partnerId);
      return undefined;
    }
    return new Date(until);
  }
}
