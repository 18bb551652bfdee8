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
    // Still the cap in use: the handed slots count (a waiter that gets none is told to come back soon).
    const p = slots.take('a');
    await vi.advanceTimersByTimeAsync(QUICK_WAIT_MS);
    expect(await p).toBe('soon');
  });

  it('a waiter gives up after QUICK_WAIT_MS when no slot comes back (it waits a second or two in the queue)', async () => {
    const slots = new MemorySlots();
    await full(slots, 'a');
    const waiting = slots.take('a');
    await vi.advanceTimersByTimeAsync(QUICK_WAIT_MS - 1);
    let settled = false;
    void waiting.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await waiting).toBe('soon');
  });

  it('a partner whose attempts hang waits in the queue at once (later): none of its attempts under way began lately', async () => {
    const slots = new MemorySlots();
    const hanging = await full(slots, 'a');
    await vi.advanceTimersByTimeAsync(ANSWERING_MS);
    expect(await slots.take('a')).toBe('later');
    // Its first attempt times out after 10 s: a slow give-back, not an answer.
    await vi.advanceTimersByTimeAsync(9_000);
    hanging[0]!();
    expect(await slots.take('a')).toBeTypeOf('function'); // the freed slot
    expect(await slots.take('a')).toBe('later'); // at the cap again, the others hanging: no wait
  });

  it('at most MAX_WAITERS wait at once; the rest wait a second or three in the queue', async () => {
    const slots = new MemorySlots();
    await full(slots, 'a');
    const waiters = Array.from({ length: MAX_WAITERS }, () => slots.take('a'));
    expect(await slots.take('a')).toBe('soon');
    await vi.advanceTimersByTimeAsync(QUICK_WAIT_MS);
    expect(await Promise.all(waiters)).toEqual(Array(MAX_WAITERS).fill('soon'));
  });

  it('only as many wait as the slots serve within the wait, at the pace of the recent attempts', async () => {
    const slots = new MemorySlots();
    // Attempts of about 500 ms: 4 slots serve 8 waiters in a second.
    for (let round = 0; round < 5; round++) {
      const taken = await full(slots, 'a');
      await vi.advanceTimersByTimeAsync(500);
      for (const r of taken) r();
    }
    const inUse = await full(slots, 'a');
    const waiters = Array.from({ length: 8 }, () => slots.take('a'));
    expect(await slots.take('a')).toBe('soon');
    await vi.advanceTimersByTimeAsync(500);
    for (const r of inUse) r();
    await vi.advanceTimersByTimeAsync(QUICK_WAIT_MS);
    expect((await Promise.all(waiters)).filter((w) => typeof w === 'function')).toHaveLength(4);
  });

  it('a slot is given back once, however often its release is called', async () => {
    const slots = new MemorySlots();
    const [r] = await full(slots, 'a');
    r!();
    r!();
    expect(await slots.take('a')).toBeTypeOf('function');
    await vi.advanceTimersByTimeAsync(ANSWERING_MS * 20);
    expect(await slots.take('a')).toBe('later');
  });

  it('a receiver that answered quickly and then hangs is not waited for once its attempts under way are old', async () => {
    const slots = new MemorySlots();
    const [quick] = await full(slots, 'a');
    await vi.advanceTimersByTimeAsync(20);
    quick!(); // a quick answer: its last attempt took 20 ms
    expect(await slots.take('a')).toBeTypeOf('function'); // then everything hangs
    await vi.advanceTimersByTimeAsync(ANSWERING_MS);
    expect(await slots.take('a')).toBe('later');
  });

  it('right after an attempt that timed out, the partner is not waited for even while a new attempt is young', async () => {
    const slots = new MemorySlots();
    const taken = await full(slots, 'a');
    await vi.advanceTimersByTimeAsync(10_000);
    taken[0]!(); // held 10 s: a timeout
    expect(await slots.take('a')).toBeTypeOf('function');
    expect(await slots.take('a')).toBe('later');
  });
});
