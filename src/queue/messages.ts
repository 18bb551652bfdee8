/** The delivery queue's message, checked as it comes off the queue. */
import { z } from 'zod';
import type { EventMessage } from '../domain/ports';

/** What a commit owes the customers' side (written by the service itself: its audit events are kept as they are). */
const NoteSchema = z.object({
  partnerId: z.string().min(1).max(64),
  customerId: z.string().min(1).max(64),
  seq: z.number().int().min(0),
  rev: z.string().max(64),
  at: z.string().max(40),
  endsAt: z.string().max(40).optional(),
  events: z.array(z.looseObject({ id: z.string(), at: z.string(), action: z.string() })).max(100),
});

const EventMessageSchema = z.object({
  partnerId: z.string().min(1).max(64),
  eventIds: z.array(z.string().min(1).max(64)).min(1).max(100),
  attempt: z.number().int().min(1).max(1000).optional(),
  owed: z.array(NoteSchema).max(100).optional(),
  settled: z.boolean().optional(),
});

/** The message as the host hands it over (parsed JSON) or as text (JSON or base64 JSON). */
export function parseEventMessage(message: unknown): EventMessage | undefined {
  let value = message;
  if (typeof message === 'string') {
    try {
      const t = message.trim();
      value = JSON.parse(t.startsWith('{') ? t : Buffer.from(t, 'base64').toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }
  const parsed = EventMessageSchema.safeParse(value);
  return parsed.success ? (parsed.data as EventMessage) : undefined;
}
