/** A partner's delivery slots in one process (src/webhooks/slots.ts), on a fake clock. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ANSWERING_MS, MAX_IN_FLIGHT_PER_PARTNER, MAX_WAITERS, MemorySlots, QUICK_WAIT_MS } from '../../src/webhooks/slots';

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-06T12:00:00Z') }));
afterEach(() => vi.useRealTimers());

/** Takes the cap's slots of partner `p`. */
async function full(slots: MemorySlots, p: string): Promise<(() => void)[]> {
  const taken = await Promise.all(Array.from({ length: MAX_IN_FLIGHT_PER_PARTNER }, () => slots.take(p)));
  expect(taken.every(Boolean)).toBe(true);
  return taken as (() => void)[];
}

describe('MemorySlots', () => {
  it('gives the cap at once, per partner: another partner is never short of slots', async () => {
    const slots = new MemorySlots();
    await full(slots, 'a');
    expect(await slots.take('b')).toBeTypeOf('function');
  });

  it('hands a slot given back to the first waiter of a partner that answers quickly (first come, first served)', async () => {
    const slots = new MemorySlots();
    const [first, second] = await full(slots, 'a');
    const order: number[] = [];
    const w1 = slots.take('a').then((r) => (order.push(1), r));
    const w2 = slots.take('a').then((r) => (order.push(2), r));
    await vi.advanceTimersByTimeAsync(50);
    first!();
    second!();
    expect(await w1).toBeTypeOf('function');
    expect(await w2).toBeTypeOf('function');
    expect(order).toEqual([1, 2]);
    // Still the cap in use: the handed slots count.
    const p = slots.take('a');
    await vi.advanceTimersByTimeAsync(QUICK_WAIT_MS);
    expect(await p).toBeUndefined();
  });

  it('a waiter gives up after QUICK_WAIT_MS when no slot comes back (it waits in the queue instead)', async () => {
    const slots = new MemorySlots();
    await full(slots, 'a');
    const waiting = slots.take('a');
    await vi.advanceTimersByTimeAsync(QUICK_WAIT_MS - 1);
    let settled = false;
    void waiting.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await waiting).toBeUndefined();
  });

  it('a partner whose attempts hang waits in the queue at once: no slot given back quickly, none under way lately begun', async () => {
    const slots = new MemorySlots();
    const hanging = await full(slots, 'a');
    await vi.advanceTimersByTimeAsync(ANSWERING_MS);
    expect(await slots.take('a')).toBeUndefined();
    // Its first attempt times out after 10 s: a slow give-back, not an answer.
    await vi.advanceTimersByTimeAsync(9_000);
    hanging[0]!();
    expect(await slots.take('a')).toBeTypeOf('function'); // the freed slot
    expect(await slots.take('a')).toBeUndefined(); // at the cap again, and it answers slowly: no wait
  });

  it('at most MAX_WAITERS wait at once; the rest wait in the queue', async () => {
    const slots = new MemorySlots();
    await full(slots, 'a');
    const waiters = Array.from({ length: MAX_WAITERS }, () => slots.take('a'));
    expect(await slots.take('a')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(QUICK_WAIT_MS);
    expect(await Promise.all(waiters)).toEqual(Array(MAX_WAITERS).fill(undefined));
  });

  it('a slot is given back once, however often its release is called', async () => {
    const slots = new MemorySlots();
    const [r] = await full(slots, 'a');
    r!();
    r!();
    expect(await slots.take('a')).toBeTypeOf('function');
    await vi.advanceTimersByTimeAsync(ANSWERING_MS * 20);
    expect(await slots.take('a')).toBeUndefined();
  });
});
