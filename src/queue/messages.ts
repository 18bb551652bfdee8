/** The delivery queue's message, checked as it comes off the queue. */
import * as z from '../zod';
import type { EventMessage } from '../domain/ports';

const id = () => z.string().check(z.minLength(1), z.maxLength(64));
const time = () => z.string().check(z.maxLength(40));

/** What a commit owes the customers' side (written by the service itself: its audit events are kept as they are). */
const NoteSchema = z.object({
  partnerId: id(),
  customerId: id(),
  seq: z.int().check(z.gte(0)),
  rev: z.string().check(z.maxLength(64)),
  at: time(),
  endsAt: z.optional(time()),
  events: z.array(z.looseObject({ id: z.string(), at: z.string(), action: z.string() })).check(z.maxLength(100)),
});

/** A warning point the commit sets (src/domain/endingSoon.ts). */
const WarningSchema = z.object({
  kind: z.enum(['grant', 'invitation']),
  partnerId: id(),
  subjectId: id(),
  endsAt: time(),
  days: z.int().check(z.gte(0), z.lte(366)),
  dueAt: time(),
});

const EventMessageSchema = z.object({
  partnerId: id(),
  eventIds: z.array(id()).check(z.minLength(1), z.maxLength(100)),
  attempt: z.optional(z.int().check(z.gte(1), z.lte(1000))),
  waits: z.optional(z.int().check(z.gte(0), z.lte(1000))),
  owed: z.optional(z.array(NoteSchema).check(z.maxLength(100))),
  warnings: z.optional(z.array(WarningSchema).check(z.maxLength(100))),
  settled: z.optional(z.boolean()),
  released: z.optional(z.boolean()),
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
