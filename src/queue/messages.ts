/** The delivery queue's message, checked as it comes off the queue. */
import * as z from '../zod';
import type { EventMessage } from '../domain/ports';

const EventMessageSchema = z.object({
  partnerId: z.string().check(z.minLength(1), z.maxLength(64)),
  eventIds: z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.minLength(1), z.maxLength(100)),
  attempt: z.optional(z.int().check(z.gte(1), z.lte(1000))),
  waits: z.optional(z.int().check(z.gte(0), z.lte(1000))),
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
  return parsed.success ? parsed.data : undefined;
}
