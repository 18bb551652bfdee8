/**
 * Deliveries in flight in this process, per partner (the DeliverySlots port): at most
 * MAX_IN_FLIGHT_PER_PARTNER at once, so one partner's receiver that hangs holds a few workers,
 * never all of them; the others' deliveries go on.
 */
import type { DeliverySlots } from '../domain/ports';

export const MAX_IN_FLIGHT_PER_PARTNER = 4;

export class MemorySlots implements DeliverySlots {
  private readonly inFlight = new Map<string, number>();

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
}
