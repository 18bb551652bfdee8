/**
 * The delivery queue on Azurite (src/queue/storageQueue.ts): its two lanes are two queues, and a
 * message is released or withdrawn on the queue it was sent to.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig, queueNameFor, waitingQueueNameFor } from '../../src/config';
import type { EventMessage } from '../../src/domain/ports';
import { StorageEventQueue } from '../../src/queue/storageQueue';
import { parseEventMessage } from '../../src/queue/messages';

const config = loadConfig(process.env);
const due = StorageEventQueue.fromConfig(config, queueNameFor(config.tablePrefix));
const waiting = StorageEventQueue.fromConfig(config, waitingQueueNameFor(config.tablePrefix));
const queue = StorageEventQueue.fromConfig(config, queueNameFor(config.tablePrefix), undefined, waitingQueueNameFor(config.tablePrefix));

const message = (n: number): EventMessage => ({ partnerId: `p-${n}`, eventIds: [`e-${n}`] });
const visible = async (q: StorageEventQueue) => {
  const got = await q.receive(32, 1);
  await Promise.all(got.map((m) => q.complete(m)));
  return got.map((m) => parseEventMessage(m.text)?.partnerId);
};

describe('the delivery queue', () => {
  it('sends due work to webhook-events and waiting work to webhook-waiting', async () => {
    await queue.send(message(1), 0);
    await queue.send(message(2), 0, 'waiting');
    expect(await visible(due)).toEqual(['p-1']);
    expect(await visible(waiting)).toEqual(['p-2']);
  });

  it('releases and withdraws a message on the lane it was sent on', async () => {
    const later = await queue.send(message(3), 30, 'waiting');
    expect(later.lane).toBe('waiting');
    await queue.release(later, { ...message(3), settled: true });
    expect(await visible(waiting)).toEqual(['p-3']);
    const gone = await queue.send(message(4), 0, 'waiting');
    await queue.withdraw(gone);
    const announced = await queue.send(message(5), 30);
    await queue.release(announced);
    expect(await visible(waiting)).toEqual([]);
    expect(await visible(due)).toEqual(['p-5']);
  });
});
