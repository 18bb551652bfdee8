/** The wire shapes of webhooks, deliveries and the event feed (built from the domain's vocabularies). */
import { z } from 'zod';
import { EVENT_ID } from '../domain/events';
import { AUDIT_ACTIONS } from '../domain/model';
import { DELIVERY_STATUSES } from '../domain/model';
import { Continuation, IsoDate, PageSize } from './schemas';

export const EVENT_TYPES = [...AUDIT_ACTIONS, 'test.created'] as const;
export const EventType = z.enum(EVENT_TYPES);

const EventId = z.string().regex(EVENT_ID, 'must be an event id');

export const WebhookBody = z.object({
  url: z
    .string({ error: 'is required (an https URL)' })
    .max(2048, 'must be at most 2048 characters')
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an absolute https URL'),
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
    createdAt: IsoDate,
    updatedAt: IsoDate,
    previousSecretExpiresAt: IsoDate.optional().describe('While set, deliveries carry a signature with the previous secret too'),
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
