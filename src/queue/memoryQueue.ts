/** The delivery queue in memory (unit tests): records what was sent (both lanes, in one list), delivers nothing by itself. */
import { randomUUID } from 'node:crypto';
import type { EventMessage, EventQueue, QueueLane, QueuedMessage } from '../domain/ports';

export interface MemoryMessage extends QueuedMessage {
  message: EventMessage;
  visibleAt: number;
  lane: QueueLane;
}

export class MemoryEventQueue implements EventQueue {
  readonly messages: MemoryMessage[] = [];

  send(message: EventMessage, delaySeconds: number, lane: QueueLane = 'due'): Promise<QueuedMessage> {
    const m = { messageId: randomUUID(), popReceipt: randomUUID(), message, visibleAt: Date.now() + delaySeconds * 1000, lane };
    this.messages.push(m);
    return Promise.resolve({ messageId: m.messageId, popReceipt: m.popReceipt });
  }

  release(q: QueuedMessage, content?: EventMessage): Promise<void> {
    const m = this.messages.find((x) => x.messageId === q.messageId);
    if (m) {
      m.visibleAt = Date.now();
      if (content) m.message = content;
    }
    return Promise.resolve();
  }

  withdraw(q: QueuedMessage): Promise<void> {
    const i = this.messages.findIndex((x) => x.messageId === q.messageId);
    if (i >= 0) this.messages.splice(i, 1);
    return Promise.resolve();
  }

  /** Takes the messages visible now. */
  take(): EventMessage[] {
    const now = Date.now();
    const visible = this.messages.filter((m) => m.visibleAt <= now);
    for (const m of visible) this.messages.splice(this.messages.indexOf(m), 1);
    return visible.map((m) => m.message);
  }
}
