/** The wire shapes of webhooks, deliveries and the event feed (built from the domain's vocabularies). */
import * as z from '../zod';
import { EVENT_ID } from '../domain/events';
import { AUDIT_ACTIONS } from '../domain/model';
import { DELIVERY_STATUSES } from '../domain/model';
import { Continuation, IsoDate, PageSize } from './schemas';

export const EVENT_TYPES = [...AUDIT_ACTIONS, 'test.created'] as const;
export const EventType = z.enum(EVENT_TYPES);

const EventId = z.string().check(z.regex(EVENT_ID, 'must be an event id'));

export const WebhookBody = z.lazy(() =>
  z.object({
    url: z.string({ error: 'is required (an https URL)' }).check(
      z.maxLength(2048, 'must be at most 2048 characters'),
      z.refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an absolute https URL'),
    ),
    events: z._default(
      z
        .array(z.enum([...AUDIT_ACTIONS, '*'], { error: `each must be "*" or one of: ${AUDIT_ACTIONS.join(', ')}` }))
        .check(z.minLength(1, 'must name at least one event type, or "*"'), z.maxLength(50)),
      ['*'],
    ),
    enabled: z._default(z.boolean({ error: 'must be true or false' }), true),
  }),
);

const webhook = () =>
  z.object({
    url: z.string(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    createdAt: IsoDate,
    updatedAt: IsoDate,
    previousSecretExpiresAt: z.described(z.optional(IsoDate), 'While set, deliveries carry a signature with the previous secret too'),
  });

export const WebhookSchema = z.deferred(webhook, { id: 'Webhook' });

export const WebhookCreatedSchema = z.deferred(
  () => z.extend(webhook(), { secret: z.described(z.string(), 'whsec_<base64 key>: shown only now') }),
  { id: 'WebhookCreated' },
);

export const SecretSchema = z.deferred(
  () => z.object({ secret: z.described(z.string(), 'The new secret, shown only now'), previousSecretExpiresAt: IsoDate }),
  { id: 'WebhookSecret' },
);

export const EventIdSchema = z.deferred(() => z.object({ eventId: z.string() }), { id: 'EventAccepted' });

export const DeliverySchema = z.deferred(
  () =>
    z.object({
      eventId: z.string(),
      type: EventType,
      status: z.enum(DELIVERY_STATUSES),
      attempts: z.int(),
      lastStatusCode: z.optional(z.int()),
      lastError: z.optional(z.string()),
      lastResponse: z.described(z.optional(z.string()), 'The first 256 bytes of the last answer'),
      lastAttemptAt: z.optional(IsoDate),
      nextAttemptAt: z.optional(IsoDate),
      deliveredAt: z.optional(IsoDate),
    }),
  { id: 'Delivery' },
);

export const ListDeliveriesQuery = z.lazy(() =>
  z.object({
    status: z._default(z.enum([...DELIVERY_STATUSES, 'all'], { error: `must be one of: ${DELIVERY_STATUSES.join(', ')}, all` }), 'all'),
    pageSize: PageSize,
    continuationToken: Continuation,
  }),
);

export const EventParams = z.lazy(() => z.object({ eventId: EventId }));

export const CloudEventSchema = z.deferred(
  () =>
    z.object({
      specversion: z.literal('1.0'),
      id: z.string(),
      source: z.string(),
      type: EventType,
      subject: z.optional(z.string()),
      time: IsoDate,
      datacontenttype: z.literal('application/json'),
      data: z.record(z.string(), z.unknown()),
    }),
  { id: 'CloudEvent' },
);

export const ListEventsQuery = z.lazy(() =>
  z.object({
    after: z.described(z.optional(EventId), 'An event id: the feed continues after it (oldest first)'),
    pageSize: PageSize,
    continuationToken: Continuation,
  }),
);
