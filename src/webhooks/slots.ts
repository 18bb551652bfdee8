/**
 * Deliveries in flight in this process, per partner (the DeliverySlots port): at most
 * MAX_IN_FLIGHT_PER_PARTNER at once, so one partner's receiver that hangs holds a few workers,
 * never all of them; the others' deliveries go on.
 *
 * A partner at its cap whose receiver answers quickly (its attempts under way began less than
 * ANSWERING_MS ago, and its last attempt did not take longer) gets the next slot given back,
 * waiting here up to QUICK_WAIT_MS, first come first served: a burst of events to a healthy
 * receiver goes out in the time its answers take. Only as many wait so as its slots can serve
 * within that time, judged by how long its recent attempts held them (at most MAX_WAITERS); the
 * rest are told `soon` and wait a second or three in the queue. A partner whose attempts hang or
 * crawl is told `later`: its deliveries wait in the queue (5 s and more) and hold no worker.
 *
 * A partner whose endpoint is failing is remembered until its next probe, so its deliveries wait
 * in the queue without a read.
 */
import type { DeliverySlots } from '../domain/ports';

export const MAX_IN_FLIGHT_PER_PARTNER = 4;
export const QUICK_WAIT_MS = 1_000;
export const ANSWERING_MS = 1_000;
const HISTORY_MS = 10_000;
/** The host's concurrency per queue function (host.json: batchSize 16 + newBatchThreshold 8). */
export const MAX_WAITERS = 24;
const MAX_PAUSE_MS = 30_000;

type Release = () => void;
type Taken = Release | 'soon' | 'later';

interface Partner {
  /** When each slot in use was taken (handed over: when it was handed). */
  inFlight: number[];
  /** Waiting here for a slot, first come first served. */
  waiters: ((release: Release) => void)[];
}

/** The partner's last attempt: when it gave its slot back, how long it held it, and how long its recent ones held theirs (a moving average). */
interface LastAttempt {
  at: number;
  heldMs: number;
  averageMs: number;
}

export class MemorySlots implements DeliverySlots {
  private readonly partners = new Map<string, Partner>();
  private readonly last = new Map<string, LastAttempt>();
  private readonly paused = new Map<string, number>();

  constructor(private readonly cap = MAX_IN_FLIGHT_PER_PARTNER) {}

  take(partnerId: string): Promise<Taken> {
    const p = this.partners.get(partnerId) ?? { inFlight: [], waiters: [] };
    this.partners.set(partnerId, p);
    if (p.inFlight.length < this.cap) return Promise.resolve(this.slot(partnerId, p));
    if (!this.answering(partnerId, p)) return Promise.resolve('later');
    if (p.waiters.length >= this.waitersServed(partnerId)) return Promise.resolve('soon');
    return new Promise((resolve) => {
      const waiter = (release: Release) => {
        clearTimeout(timer);
        resolve(release);
      };
      const timer = setTimeout(() => {
        const i = p.waiters.indexOf(waiter);
        if (i >= 0) p.waiters.splice(i, 1);
        resolve('soon');
      }, QUICK_WAIT_MS);
      timer.unref();
      p.waiters.push(waiter);
    });
  }

  /** How many waiters the partner's slots serve within QUICK_WAIT_MS, at the pace of its recent attempts (no history: the most). */
  private waitersServed(partnerId: string): number {
    const average = this.last.get(partnerId)?.averageMs;
    if (average === undefined) return MAX_WAITERS;
    return Math.min(MAX_WAITERS, Math.floor((this.cap * QUICK_WAIT_MS) / Math.max(1, average)));
  }

  /** Its slots turn over: those in use began under ANSWERING_MS ago, and the last given back was not held longer. */
  private answering(partnerId: string, p: Partner): boolean {
    const now = Date.now();
    if (p.inFlight.length === 0 || now - Math.min(...p.inFlight) >= ANSWERING_MS) return false;
    const last = this.last.get(partnerId);
    return !last || now - last.at >= HISTORY_MS || last.heldMs < ANSWERING_MS;
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
      const heldMs = now - taken;
      const before = this.last.get(partnerId)?.averageMs ?? heldMs;
      this.last.set(partnerId, { at: now, heldMs, averageMs: 0.7 * before + 0.3 * heldMs });
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
