/**
 * Deliveries in flight in this process, per partner (the DeliverySlots port): at most
 * MAX_IN_FLIGHT_PER_PARTNER at once, so one partner's receiver that hangs holds a few workers,
 * never all of them; the others' deliveries go on. A partner whose endpoint is failing is
 * remembered until its next probe, so its deliveries wait in the queue without a read.
 */
import type { DeliverySlots } from '../domain/ports';

export const MAX_IN_FLIGHT_PER_PARTNER = 4;
const MAX_PAUSE_MS = 30_000;

export class MemorySlots implements DeliverySlots {
  private readonly inFlight = new Map<string, number>();
  private readonly paused = new Map<string, number>();

  constructor(private readonly cap = MAX_IN_FLIGHT_PER_PARTNER) {}

  take(partnerId: string): (() => void) | undefined {
    const n = this.inFlight.get(partnerId) ?? 0;
    if (n >= this.cap) return undefined;
    this.inFlight.set(partnerId, n + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (this.inFlight.get(partnerId) ?? 1) - 1;
      if (left > 0) this.inFlight.set(partnerId, left);
      else this.inFlight.delete(partnerId);
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
