/**
 * The delivery queue on Azure Storage Queues (Azurite locally): the only importer of
 * @azure/storage-queue. Messages are JSON, base64-encoded as the Functions host's queue trigger
 * expects by default. The queue and its poison queue are created on first use. The `waiting`
 * lane is a queue of its own (`webhook-waiting`, src/config.ts), with its own trigger.
 *
 * The SDK is loaded, and the clients made, on the first use too (the first change, which
 * announces its events here), not when the dependencies are built: a read never loads it. In
 * the deployed bundle it is a file of its own (scripts/build.mjs, `LAZY`).
 */
import type { QueueClient, StoragePipelineOptions } from '@azure/storage-queue';
import type { Config } from '../config';
import { UnavailableError } from '../domain/errors';
import type { EventMessage, EventQueue, QueueLane, QueuedMessage } from '../domain/ports';
import { azureCredential } from '../identity';

/** Bounded retries and a per-try timeout, as for tables: a request never hangs on the queue. */
const CLIENT_OPTIONS: StoragePipelineOptions = {
  retryOptions: { maxTries: 3, tryTimeoutInMs: 3000, retryDelayInMs: 200, maxRetryDelayInMs: 1000 },
};

export const encodeMessage = (m: EventMessage) => Buffer.from(JSON.stringify(m), 'utf8').toString('base64');

export interface ReceivedMessage {
  messageId: string;
  popReceipt: string;
  dequeueCount: number;
  text: string;
}

/** The queue and its poison queue. */
interface Clients {
  queue: QueueClient;
  poison: QueueClient;
}

type QueueConfig = Pick<Config, 'queues' | 'managedIdentityClientId'>;

/** Loads the SDK and makes the clients (the identity, too, only for an endpoint setting). */
function connect(config: QueueConfig, queueName: string): Clients {
  const { QueueServiceClient } = require('@azure/storage-queue') as typeof import('@azure/storage-queue');
  const q = config.queues;
  const service =
    'connectionString' in q
      ? QueueServiceClient.fromConnectionString(q.connectionString, CLIENT_OPTIONS)
      : new QueueServiceClient(q.endpoint, azureCredential(config.managedIdentityClientId), CLIENT_OPTIONS);
  return { queue: service.getQueueClient(queueName), poison: service.getQueueClient(`${queueName}-poison`) };
}

export class StorageEventQueue implements EventQueue {
  private ready: Promise<void> | undefined;
  private connected: Clients | undefined;
  private readonly waiting: StorageEventQueue | undefined;

  constructor(
    private readonly config: QueueConfig,
    private readonly queueName: string,
    private readonly onRoundTrip?: (op: string) => void,
    waitingQueueName?: string,
  ) {
    this.waiting = waitingQueueName ? new StorageEventQueue(config, waitingQueueName, onRoundTrip) : undefined;
  }

  /**
   * Checks nothing and connects nothing: the first use does. Without `waitingQueueName` (a
   * trigger's own queue, polled by the local runner), the waiting lane is the queue itself.
   */
  static fromConfig(
    config: QueueConfig,
    queueName: string,
    onRoundTrip?: (op: string) => void,
    waitingQueueName?: string,
  ): StorageEventQueue {
    return new StorageEventQueue(config, queueName, onRoundTrip, waitingQueueName);
  }

  /** The clients, made on first use, once. */
  private clients(): Clients {
    this.connected ??= connect(this.config, this.queueName);
    return this.connected;
  }

  private async call<T>(op: string, run: () => Promise<T>): Promise<T> {
    this.onRoundTrip?.(op);
    try {
      return await run();
    } catch (err) {
      throw new UnavailableError('The delivery queue cannot be reached; try again.', err);
    }
  }

  async ensure(): Promise<void> {
    const { queue, poison } = this.clients();
    this.ready ??= this.call('queue.create', async () => {
      await queue.createIfNotExists();
      await poison.createIfNotExists();
    }).catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /** The queue of the `waiting` lane, when it has one of its own. */
  private waitingQueue(lane: QueueLane | undefined): StorageEventQueue | undefined {
    return lane === 'waiting' ? this.waiting : undefined;
  }

  async send(message: EventMessage, delaySeconds: number, lane: QueueLane = 'due'): Promise<QueuedMessage> {
    const waiting = this.waitingQueue(lane);
    if (waiting) return { ...(await waiting.send(message, delaySeconds)), lane };
    await this.ensure();
    const { queue } = this.clients();
    const sent = await this.call('queue.send', () =>
      queue.sendMessage(encodeMessage(message), { visibilityTimeout: Math.max(0, Math.round(delaySeconds)) }),
    );
    return { messageId: sent.messageId, popReceipt: sent.popReceipt };
  }

  async release(m: QueuedMessage, content?: EventMessage): Promise<void> {
    const waiting = this.waitingQueue(m.lane);
    if (waiting) return waiting.release(m, content);
    const { queue } = this.clients();
    await this.call('queue.release', () => queue.updateMessage(m.messageId, m.popReceipt, content ? encodeMessage(content) : undefined, 0));
  }

  async withdraw(m: QueuedMessage): Promise<void> {
    const waiting = this.waitingQueue(m.lane);
    if (waiting) return waiting.withdraw(m);
    const { queue } = this.clients();
    await this.call('queue.delete', () => queue.deleteMessage(m.messageId, m.popReceipt));
  }

  // ------------------------------------------------ the local runner's poller (src/local/queues.ts)

  async receive(max: number, visibilitySeconds: number): Promise<ReceivedMessage[]> {
    await this.ensure();
    const { queue } = this.clients();
    const res = await queue.receiveMessages({ numberOfMessages: max, visibilityTimeout: visibilitySeconds });
    return res.receivedMessageItems.map((m) => ({
      messageId: m.messageId,
      popReceipt: m.popReceipt,
      dequeueCount: m.dequeueCount,
      text: m.messageText,
    }));
  }

  async complete(m: Pick<ReceivedMessage, 'messageId' | 'popReceipt'>): Promise<void> {
    const { queue } = this.clients();
    await queue.deleteMessage(m.messageId, m.popReceipt);
  }

  /** Moves a message that failed too often to the poison queue, as the host does. */
  async toPoison(m: ReceivedMessage): Promise<void> {
    const { queue, poison } = this.clients();
    await poison.sendMessage(m.text);
    await queue.deleteMessage(m.messageId, m.popReceipt);
  }
}
