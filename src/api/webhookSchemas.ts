/** The wire shapes of webhooks, deliveries and the event feed (built from the domain's vocabularies). */
import { z } from 'zod';
import { EVENT_ID } from '../domain/events';
import { AUDIT_ACTIONS } from '../domain/model';
import { HEALTH_STATUSES } from '../domain/circuit';
import { DELIVERY_STATUSES } from '../domain/model';
import { Continuation, IsoDate, PageSize } from './schemas';

export const EVENT_TYPES = [...AUDIT_ACTIONS, 'test.created'] as const;
export const EventType = z.enum(EVENT_TYPES);

const EventId = z.string().regex(EVENT_ID, 'must be an event id');

/** C0 and C1 control characters, DEL included. */
const isControl = (ch: string) => {
  const c = ch.codePointAt(0) ?? 0;
  return c < 0x20 || (c >= 0x7f && c <= 0x9f);
};

/**
 * A webhook URL as sent: refused (400) with control characters, surrounding spaces or a user
 * name or password, which the URL parser would otherwise drop or keep silently; stored in its
 * canonical form (the parser's serialisation, without a fragment).
 */
const WebhookUrl = z
  .string({ error: 'is required (an https URL)' })
  .max(2048, 'must be at most 2048 characters')
  .refine((v) => ![...v].some(isControl), 'must not contain control characters')
  .refine((v) => v.trim() === v, 'must not start or end with spaces')
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an absolute https URL')
  .refine((v) => !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(v), 'must not contain a user name or password')
  .transform((v) => {
    const url = new URL(v);
    url.hash = '';
    return url.href;
  });

export const WebhookBody = z.object({
  url: WebhookUrl,
  events: z
    .array(z.enum([...AUDIT_ACTIONS, '*'], { error: `each must be "*" or one of: ${AUDIT_ACTIONS.join(', ')}` }))
    .min(1, 'must name at least one event type, or "*"')
    .max(50)
    .default(['*']),
  enabled: z.boolean({ error: 'must be true or false' }).default(true),
});

export const WebhookSchema = z
  .object({
    url: z.string(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    health: z
      .object({
        status: z
          .enum(HEALTH_STATUSES)
          .describe('failing: recent attempts failed, deliveries back off; disabled: failing for days, deliveries held until re-enabled'),
        failingSince: IsoDate.optional().describe('When the current run of failures began (not healthy only)'),
        consecutiveFailures: z.number().int(),
      })
      .meta({ id: 'WebhookHealth' }),
    createdAt: IsoDate,
    updatedAt: IsoDate,
    previousSecretExpiresAt: IsoDate.optional().describe(
      'While set, deliveries carry signatures with the replaced secrets too (each for 24 h after it was replaced); the last one stops then',
    ),
  })
  .meta({ id: 'Webhook' });

export const WebhookCreatedSchema = WebhookSchema.extend({
  secret: z.string().describe('whsec_<base64 key>: shown only now'),
}).meta({ id: 'WebhookCreated' });

export const SecretSchema = z
  .object({ secret: z.string().describe('The new secret, shown only now'), previousSecretExpiresAt: IsoDate })
  .meta({ id: 'WebhookSecret' });

export const EventIdSchema = z.object({ eventId: z.string() }).meta({ id: 'EventAccepted' });

export const DeliverySchema = z
  .object({
    eventId: z.string(),
    type: EventType,
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().optional(),
    lastError: z.string().optional(),
    lastResponse: z.string().optional().describe('The first 256 bytes of the last answer'),
    lastAttemptAt: IsoDate.optional(),
    nextAttemptAt: IsoDate.optional(),
    deliveredAt: IsoDate.optional(),
  })
  .meta({ id: 'Delivery' });

export const ListDeliveriesQuery = z.object({
  status: z.enum([...DELIVERY_STATUSES, 'all'], { error: `must be one of: ${DELIVERY_STATUSES.join(', ')}, all` }).default('all'),
  pageSize: PageSize,
  continuationToken: Continuation,
});

export const EventParams = z.object({ eventId: EventId });

export const CloudEventSchema = z
  .object({
    specversion: z.literal('1.0'),
    id: z.string(),
    source: z.string(),
    type: EventType,
    subject: z.string().optional(),
    time: IsoDate,
    datacontenttype: z.literal('application/json'),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'CloudEvent' });

export const ListEventsQuery = z.object({
  after: EventId.optional().describe('An event id: the feed continues after it (oldest first)'),
  pageSize: PageSize,
  continuationToken: Continuation,
});
