/** The wire shapes of webhooks, deliveries and the event feed (built from the domain's vocabularies). */
import * as z from '../zod';
import { EVENT_ID } from '../domain/events';
import { WARNING_EVENT_TYPES } from '../domain/eventTypes';
import { AUDIT_ACTIONS } from '../domain/model';
import { HEALTH_STATUSES } from '../domain/circuit';
import { DELIVERY_STATUSES } from '../domain/model';
import { Continuation, IsoDate, PageSize } from './schemas';

export const EVENT_TYPES = [...AUDIT_ACTIONS, ...WARNING_EVENT_TYPES, 'test.created'] as const;
export const EventType = z.enum(EVENT_TYPES);

const EventId = z.string().check(z.regex(EVENT_ID, 'must be an event id'));

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
const webhookUrl = () =>
  z.pipe(
    z.string({ error: 'is required (an https URL)' }).check(
      z.maxLength(2048, 'must be at most 2048 characters'),
      z.refine((v) => ![...v].some(isControl), 'must not contain control characters'),
      z.refine((v) => v.trim() === v, 'must not start or end with spaces'),
      z.refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an absolute https URL'),
      z.refine((v) => !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(v), 'must not contain a user name or password'),
    ),
    z.transform((v: string) => {
      const url = new URL(v);
      url.hash = '';
      return url.href;
    }),
  );

export const WebhookBody = z.lazy(() =>
  z.object({
    url: webhookUrl(),
    events: z._default(
      z
        .array(
          z.enum([...AUDIT_ACTIONS, ...WARNING_EVENT_TYPES, '*'], {
            error: `each must be "*" or one of: ${[...AUDIT_ACTIONS, ...WARNING_EVENT_TYPES].join(', ')}`,
          }),
        )
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
    health: z.withMeta(
      z.object({
        status: z.described(
          z.enum(HEALTH_STATUSES),
          'failing: recent attempts failed, deliveries back off; disabled: failing for days, deliveries held until re-enabled',
        ),
        failingSince: z.described(z.optional(IsoDate), 'When the current run of failures began (not healthy only)'),
        consecutiveFailures: z.int(),
      }),
      { id: 'WebhookHealth' },
    ),
    createdAt: IsoDate,
    updatedAt: IsoDate,
    previousSecretExpiresAt: z.described(
      z.optional(IsoDate),
      'While set, deliveries carry signatures with the replaced secrets too (each for 24 h after it was replaced); the last one stops then',
    ),
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
