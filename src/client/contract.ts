/**
 * Every type the client exposes, derived from the service's own zod schemas and operations
 * (type-only imports: the client's JavaScript carries no zod). The client package's build
 * (packages/client) expands these into plain declarations, so a portal needs no zod and no
 * server code to type-check against them.
 */
import type * as z from '../zod';
import type { operations } from '../api/operations';
import type { routes } from '../api/routes';
import type {
  AuditEventSchema,
  CreateInvitationBody,
  HealthSchema,
  InvitationSchema,
  ListAuditQuery,
  ListInvitationsQuery,
  ListRelationshipsQuery,
  PartnerSchema,
  ProblemSchema,
  RelationshipSchema,
  RemovalResultSchema,
  RemoveRelationshipBody,
  RoleSchema,
  SendInvitationBody,
} from '../api/schemas';
import type {
  CloudEventSchema,
  DeliverySchema,
  ListDeliveriesQuery,
  ListEventsQuery,
  WebhookBody,
  WebhookCreatedSchema,
  WebhookSchema,
} from '../api/webhookSchemas';
import type { ChangeDelegatedAdminBody, ChangeRequestSchema, CreateChangeRequestBody } from '../api/changeRequestSchemas';

import type { InsightsSchema } from '../api/insightSchemas';

type Ops = typeof operations;

/** The operations a client calls (the accept page and the OpenAPI document are for browsers and tools). */
export type ClientOperation = Exclude<
  keyof typeof routes,
  'acceptPage' | 'openapi' | 'customerPage' | 'changeRequestPage' | 'listPartners' | 'getPartnerRecord' | 'putPartner'
>;

/** The JSON of an operation's success (its 200 or 201 answer). */
type SuccessOf<O> = O extends { responses: infer R } ? R[Extract<keyof R, 200 | 201 | 202>] : never;
/** Each operation's 2xx body. */
export type Responses = { [K in ClientOperation]: SuccessOf<Ops[K]> extends { json: infer S extends z.ZodMiniType } ? z.output<S> : never };
/** Each operation's query parameters (all optional on the client: the service has defaults). */
export type Queries = { [K in ClientOperation]: Ops[K] extends { query: infer S extends z.ZodMiniType } ? Partial<z.output<S>> : never };
/** Each operation's JSON request body. */
export type Bodies = { [K in ClientOperation]: Ops[K] extends { body: infer S extends z.ZodMiniType } ? z.input<S> : never };

/** The RFC 9457 problem document of every error answer. */
export type Problem = z.output<typeof ProblemSchema>;

export type Invitation = z.output<typeof InvitationSchema>;
export type Relationship = z.output<typeof RelationshipSchema>;
export type RemovalResult = z.output<typeof RemovalResultSchema>;
export type AuditEvent = z.output<typeof AuditEventSchema>;
export type Partner = z.output<typeof PartnerSchema>;
export type Health = z.output<typeof HealthSchema>;
export type Insights = z.output<typeof InsightsSchema>;
/** A delegated admin role of the catalogue (GET /api/roles). */
export type Role = z.output<typeof RoleSchema>;
export type AcceptResult = Responses['acceptInvitation'];
export type Webhook = z.output<typeof WebhookSchema>;
/** The first registration: with its secret, shown only then. */
export type WebhookCreated = z.output<typeof WebhookCreatedSchema>;
export type WebhookInput = z.input<typeof WebhookBody>;
export type Delivery = z.output<typeof DeliverySchema>;
export type CloudEvent = z.output<typeof CloudEventSchema>;
export type DeliveryFilter = Partial<Omit<z.output<typeof ListDeliveriesQuery>, 'continuationToken'>>;
export type EventFilter = Partial<Omit<z.output<typeof ListEventsQuery>, 'continuationToken'>>;

/** An access request: other roles or a new duration, asked of the customer (its own link and draft while pending). */
export type AccessRequest = z.output<typeof ChangeRequestSchema>;
export type AccessRequestInput = z.input<typeof CreateChangeRequestBody>;
export type DelegatedAdminChange = z.input<typeof ChangeDelegatedAdminBody>;
export type AccessRequestAnswer = Responses['answerChangeRequest'];

export type CreateInvitationInput = z.input<typeof CreateInvitationBody>;
export type SendInvitationInput = z.input<typeof SendInvitationBody>;
/** The attestation is required by the type too (the service answers 400 without it). */
export type RemoveRelationshipInput = Omit<z.input<typeof RemoveRelationshipBody>, 'attestGoodFaith'> & { attestGoodFaith: true };

/** List filters, without the continuation token (the iterators follow it). */
export type InvitationFilter = Partial<Omit<z.output<typeof ListInvitationsQuery>, 'continuationToken'>>;
export type RelationshipFilter = Partial<Omit<z.output<typeof ListRelationshipsQuery>, 'continuationToken'>>;
export type AuditFilter = Partial<Omit<z.output<typeof ListAuditQuery>, 'continuationToken'>>;
