/**
 * The delivery queue on Azure Storage Queues (Azurite locally): the only importer of
 * @azure/storage-queue. Messages are JSON, base64-encoded as the Functions host's queue trigger
 * expects by default. The queue and its poison queue are created on first use.
 */
import { QueueClient, QueueServiceClient, type StoragePipelineOptions } from '@azure/storage-queue';
import type { Config } from '../config';
import { UnavailableError } from '../domain/errors';
import type { EventMessage, EventQueue, QueuedMessage } from '../domain/ports';
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

export class StorageEventQueue implements EventQueue {
  private ready: Promise<void> | undefined;

  constructor(
    readonly client: QueueClient,
    readonly poison: QueueClient,
    private readonly onRoundTrip?: (op: string) => void,
  ) {}

  static fromConfig(
    config: Pick<Config, 'queues' | 'managedIdentityClientId'>,
    queueName: string,
    onRoundTrip?: (op: string) => void,
  ): StorageEventQueue {
    const q = config.queues;
    const service =
      'connectionString' in q
        ? QueueServiceClient.fromConnectionString(q.connectionString, CLIENT_OPTIONS)
        : new QueueServiceClient(q.endpoint, azureCredential(config.managedIdentityClientId), CLIENT_OPTIONS);
    return new StorageEventQueue(service.getQueueClient(queueName), service.getQueueClient(`${queueName}-poison`), onRoundTrip);
  }

  private async call<T>(op: string, run: () => Promise<T>): Promise<T> {
    this.onRoundTrip?.(op);
    try {
      return await run();
    } catch (err) {
      throw new UnavailableError('The delivery queue cannot be reached; try again.', err);
    }
  }

  ensure(): Promise<void> {
    this.ready ??= this.call('queue.create', async () => {
      await this.client.createIfNotExists();
      await this.poison.createIfNotExists();
    }).catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  async send(message: EventMessage, delaySeconds: number): Promise<QueuedMessage> {
    await this.ensure();
    const sent = await this.call('queue.send', () =>
      this.client.sendMessage(encodeMessage(message), { visibilityTimeout: Math.max(0, Math.round(delaySeconds)) }),
    );
    return { messageId: sent.messageId, popReceipt: sent.popReceipt };
  }

  async release(m: QueuedMessage, content?: EventMessage): Promise<void> {
    await this.call('queue.release', () =>
      this.client.updateMessage(m.messageId, m.popReceipt, content ? encodeMessage(content) : undefined, 0),
    );
  }

  async withdraw(m: QueuedMessage): Promise<void> {
    await this.call('queue.delete', () => this.client.deleteMessage(m.messageId, m.popReceipt));
  }

  // ------------------------------------------------ the local runner's poller (src/local/queues.ts)

  async receive(max: number, visibilitySeconds: number): Promise<ReceivedMessage[]> {
    await this.ensure();
    const res = await this.client.receiveMessages({ numberOfMessages: max, visibilityTimeout: visibilitySeconds });
    return res.receivedMessageItems.map((m) => ({
      messageId: m.messageId,
      popReceipt: m.popReceipt,
      dequeueCount: m.dequeueCount,
      text: m.messageText,
    }));
  }

  async complete(m: Pick<ReceivedMessage, 'messageId' | 'popReceipt'>): Promise<void> {
    await this.client.deleteMessage(m.messageId, m.popReceipt);
  }

  /** Moves a message that failed too often to the poison queue, as the host does. */
  async toPoison(m: ReceivedMessage): Promise<void> {
    await this.poison.sendMessage(m.text);
    await this.client.deleteMessage(m.messageId, m.popReceipt);
  }
}
