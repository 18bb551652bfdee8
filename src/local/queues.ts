/**
 * The local runner's queue triggers: polls Azurite's Queue service for every registered queue
 * function and runs it as the Functions host would (`func start` / Azure): a batch of messages
 * at a time, each deleted when its function returns; one that throws becomes visible again
 * after its visibility timeout and, after MAX_DEQUEUE_COUNT tries, moves to the poison queue
 * (host.json's `queues.maxDequeueCount`). Never deployed.
 */
import { InvocationContext } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import { registeredQueueTriggers } from '../http/register';
import { StorageEventQueue, type ReceivedMessage } from '../queue/storageQueue';

/** As host.json's `extensions.queues`. */
export const MAX_DEQUEUE_COUNT = 5;
const BATCH_SIZE = 16;
const MAX_IN_FLIGHT = 32;
/** How long a message being worked on stays invisible (the host renews it; a local run takes less). */
const VISIBILITY_SECONDS = 30;

export interface QueuePollerOptions {
  config: Pick<Config, 'queues' | 'managedIdentityClientId'>;
  /** The wait between polls of an empty queue. */
  intervalMs?: number;
  log: (level: string, message: string) => void;
}

/** Starts polling; the returned function stops it (after the batch under way). */
export function startQueuePollers(options: QueuePollerOptions): () => Promise<void> {
  let stopped = false;
  const interval = options.intervalMs ?? 500;
  const loops = registeredQueueTriggers().map(async ([name, { queueName, handler }]) => {
    const queue = StorageEventQueue.fromConfig(options.config, queueName);
    const run = async (m: ReceivedMessage): Promise<void> => {
      if (m.dequeueCount > MAX_DEQUEUE_COUNT) {
        options.log('warning', `${name}: message ${m.messageId} failed ${MAX_DEQUEUE_COUNT} times: moved to the poison queue`);
        await queue.toPoison(m);
        return;
      }
      const context = new InvocationContext({
        invocationId: randomUUID(),
        functionName: name,
        logHandler: (level, ...args) => options.log(level, `${name}: ${args.map(String).join(' ')}`),
      });
      let message: unknown = m.text;
      try {
        // The host hands over base64 JSON messages parsed.
        message = JSON.parse(Buffer.from(m.text, 'base64').toString('utf8')) as unknown;
      } catch {
        // Not base64 JSON: given as text, as the host would.
      }
      try {
        await handler(message, context);
      } catch (err) {
        options.log(
          'warning',
          `${name}: ${err instanceof Error ? err.message : String(err)} (message ${m.messageId}, try ${m.dequeueCount})`,
        );
        return;
      }
      await queue.complete(m);
    };
    // Up to MAX_IN_FLIGHT messages at once; more are fetched as soon as some finish (as the
    // host's batchSize and newBatchThreshold do).
    const inFlight = new Set<Promise<void>>();
    while (!stopped) {
      if (inFlight.size >= MAX_IN_FLIGHT) {
        await Promise.race(inFlight);
        continue;
      }
      let batch: ReceivedMessage[] = [];
      try {
        batch = await queue.receive(Math.min(BATCH_SIZE, MAX_IN_FLIGHT - inFlight.size), VISIBILITY_SECONDS);
      } catch (err) {
        options.log('warning', `${name}: the queue cannot be read: ${err instanceof Error ? err.message : String(err)}`);
      }
      for (const m of batch) {
        const work: Promise<void> = run(m)
          .catch((err: unknown) => options.log('warning', `${name}: ${String(err)}`))
          .finally(() => inFlight.delete(work));
        inFlight.add(work);
      }
      if (batch.length === 0 && !stopped) await new Promise((r) => setTimeout(r, interval).unref());
    }
    await Promise.all(inFlight);
  });
  return async () => {
    stopped = true;
    await Promise.all(loops);
  };
}
