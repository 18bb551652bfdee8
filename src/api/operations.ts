/**
 * Every route of the API, declared once with every answer it gives: the function files register
 * these (with app.http and the local runner), handlers are typed against their responses, the
 * OpenAPI document lists them and the portal client calls them.
 */
import * as z from '../zod';
import { routes } from './routes';
import {
  AcceptBody,
  AcceptParams,
  AuditEventSchema,
  AcceptedRelationshipSchema,
  CreateInvitationBody,
  CustomerParams,
  CustomerPageQuery,
  CustomerRelationshipSchema,
  CustomerRevokeBody,
  PartnerParams,
  RoleCatalogueSchema,
  HealthSchema,
  InvitationParams,
  InvitationSchema,
  ListAuditQuery,
  ListInvitationsQuery,
  ListPartnersQuery,
  ListRelationshipsQuery,
  PartnerRecordParams,
  PartnerRecordSchema,
  PartnerSchema,
  PutPartnerBody,
  RelationshipSchema,
  RemovalResultSchema,
  RemoveRelationshipBody,
  SendInvitationBody,
  pageOf,
} from './schemas';
import {
  CloudEventSchema,
  DeliverySchema,
  EventIdSchema,
  EventParams,
  ListDeliveriesQuery,
  ListEventsQuery,
  SecretSchema,
  WebhookBody,
  WebhookCreatedSchema,
  WebhookSchema,
} from './webhookSchemas';
import {
  AnswerChangeRequestBody,
  ChangeAnswerSchema,
  ChangeDelegatedAdminBody,
  ChangeRequestParams,
  ChangeRequestSchema,
  CreateChangeRequestBody,
  RequestTokenParams,
} from './changeRequestSchemas';
import { InsightsSchema } from './insightSchemas';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
/**
 * anonymous: no principal needed; principal: any signed-in user (customers); partner: an
 * enrolled, active partner's GlobalAdmin/AdminAgent; operator: the Operator role of OPERATOR_TENANT_ID.
 */
export type Access = 'anonymous' | 'principal' | 'partner' | 'operator';

/** One answer of an operation: its media types (JSON with a schema, an HTML page, problem+json) and headers. */
export interface ResponseSpec {
  description: string;
  json?: z.ZodMiniType;
  html?: true;
  problem?: true;
  /** No body (204). */
  empty?: true;
  /** Response headers worth documenting (ETag, Location, Retry-After). */
  headers?: readonly string[];
}

export interface Operation {
  name: string;
  methods: readonly HttpMethod[];
  /** Route as the Functions host declares it, without the `api/` prefix. */
  route: string;
  access: Access;
  summary: string;
  params?: z.ZodMiniType;
  query?: z.ZodMiniType;
  /** The JSON body; `form: true` also accepts application/x-www-form-urlencoded. */
  body?: z.ZodMiniType;
  form?: boolean;
  /** A body is optional (an empty body reads as {}). */
  optionalBody?: boolean;
  /** Every answer, by status. */
  responses: Readonly<Record<number, ResponseSpec>>;
  /** Browser form posts get their errors as pages (in the invitation's language), not problem+json. */
  errorPagesForForms?: boolean;
}

const op = <const O extends Operation>(o: O): O => o;

const json = <S extends z.ZodMiniType>(schema: S, description: string, headers?: readonly string[]) =>
  ({ description, json: schema, ...(headers ? { headers } : {}) }) as const;
const page = (description: string) => ({ description, html: true }) as const;

const PROBLEM_TEXT = {
  400: 'Bad input (per-field errors)',
  401: 'Not signed in',
  403: 'Not allowed (role, enrolment, suspended partner, tenant, cross-site, operator API not configured)',
  404: 'Not found (also for other partners’ resources)',
  409: 'Conflicts with the current state',
  410: 'The invitation link is no longer valid',
  412: 'The If-Match etag does not match',
  413: 'Body over 64 KiB',
  415: 'Unsupported content type',
  422: 'The Idempotency-Key was already used with another body',
  429: 'A limit is reached (send-limit, rate-limited); try again after Retry-After',
  502: 'The email service refused the message',
  503: 'Storage (or the email service) unavailable; try again after Retry-After',
} as const;
type ProblemStatus = keyof typeof PROBLEM_TEXT;

/** problem+json answers; `withPage` also as an HTML page (browser form posts). */
function problems<const S extends readonly ProblemStatus[]>(statuses: S, withPage = false) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description: PROBLEM_TEXT[s],
        problem: true,
        ...(withPage && s < 500 ? { html: true } : {}),
        ...(s === 503 || s === 429 ? { headers: ['Retry-After'] } : {}),
      },
    ]),
  ) as { [K in S[number]]: ResponseSpec & { problem: true } };
}

/** What every partner route can answer besides its own. */
const PARTNER_ERRORS = [401, 403, 503] as const;
/** What every operator route can answer besides its own. */
const OPERATOR_ERRORS = [401, 403, 503] as const;

const AcceptResult = z.deferred(
  () =>
    z.object({
      status: z.enum(['accepted', 'declined']),
      invitationId: z.string(),
      customerId: z.optional(z.uuid()),
      relationships: z.array(AcceptedRelationshipSchema),
    }),
  { id: 'AcceptResult' },
);

export const operations = {
  createInvitation: op({
    name: 'createInvitation',
    ...routes.createInvitation,
    access: 'partner',
    summary: 'Create an invitation (and its email draft) for a customer',
    body: CreateInvitationBody,
    responses: {
      201: json(
        InvitationSchema,
        'The invitation (if `send` failed, its `email` says why); a retry with the same Idempotency-Key and body gets the first answer',
        ['Location'],
      ),
      ...problems([400, ...PARTNER_ERRORS, 409, 413, 415, 422, 429]),
    },
  }),
  listInvitations: op({
    name: 'listInvitations',
    ...routes.listInvitations,
    access: 'partner',
    summary: "List the caller's invitations, newest first",
    query: ListInvitationsQuery,
    responses: { 200: json(pageOf(InvitationSchema, 'InvitationPage'), 'A page of invitations'), ...problems([400, ...PARTNER_ERRORS]) },
  }),
  getInvitation: op({
    name: 'getInvitation',
    ...routes.getInvitation,
    access: 'partner',
    summary: 'Get an invitation, with its link and draft while pending',
    params: InvitationParams,
    responses: { 200: json(InvitationSchema, 'The invitation'), ...problems([...PARTNER_ERRORS, 404]) },
  }),
  sendInvitation: op({
    name: 'sendInvitation',
    ...routes.sendInvitation,
    access: 'partner',
    summary: 'Send the (optionally edited) draft through Azure Communication Services',
    params: InvitationParams,
    body: SendInvitationBody,
    optionalBody: true,
    responses: {
      200: json(InvitationSchema, 'The invitation, its email sent'),
      ...problems([400, ...PARTNER_ERRORS, 404, 409, 413, 415, 429, 502]),
    },
  }),
  revokeInvitation: op({
    name: 'revokeInvitation',
    ...routes.revokeInvitation,
    access: 'partner',
    summary: 'Revoke a pending invitation; its link stops working',
    params: InvitationParams,
    responses: { 200: json(InvitationSchema, 'The revoked invitation'), ...problems([...PARTNER_ERRORS, 404, 409]) },
  }),
  acceptPage: op({
    name: 'acceptPage',
    ...routes.acceptPage,
    access: 'anonymous',
    summary: "The customer's page for an invitation link (HTML; changes nothing)",
    params: AcceptParams,
    responses: {
      200: page('The invitation (Accept and Decline, or a sign-in link), or the news that it was accepted'),
      410: page('The link is no longer valid (expired, revoked, declined or unknown); no form'),
      ...problems([404, 503]),
    },
  }),
  acceptInvitation: op({
    name: 'acceptInvitation',
    ...routes.acceptInvitation,
    access: 'principal',
    summary: "Accept or decline an invitation as the customer's global admin (a browser's form post gets pages)",
    params: AcceptParams,
    body: AcceptBody,
    form: true,
    optionalBody: true,
    errorPagesForForms: true,
    responses: {
      200: { description: 'The answer: JSON, or a page for a form post', json: AcceptResult, html: true },
      ...problems([400, 401, 403, 404, 409, 410, 413, 415, 503], true),
    },
  }),
  listRelationships: op({
    name: 'listRelationships',
    ...routes.listRelationships,
    access: 'partner',
    summary: "List the caller's customers by company name",
    query: ListRelationshipsQuery,
    responses: {
      200: json(pageOf(RelationshipSchema, 'RelationshipPage'), 'A page of relationships'),
      ...problems([400, ...PARTNER_ERRORS]),
    },
  }),
  getRelationship: op({
    name: 'getRelationship',
    ...routes.getRelationship,
    access: 'partner',
    summary: 'Get one relationship (ETag header = etag)',
    params: CustomerParams,
    responses: { 200: json(RelationshipSchema, 'The relationship', ['ETag']), ...problems([...PARTNER_ERRORS, 404]) },
  }),
  removeRelationship: op({
    name: 'removeRelationship',
    ...routes.removeRelationship,
    access: 'partner',
    summary: 'Remove a relationship with a good-faith attestation (no notice is sent to the customer)',
    params: CustomerParams,
    body: RemoveRelationshipBody,
    // An empty body is answered like a missing attestation: 400 quoting the statement.
    optionalBody: true,
    responses: {
      200: json(RemovalResultSchema, 'The removed relationship', ['ETag']),
      ...problems([400, ...PARTNER_ERRORS, 404, 412, 413, 415]),
    },
  }),
  listAuditEvents: op({
    name: 'listAuditEvents',
    ...routes.listAuditEvents,
    access: 'partner',
    summary: "The caller's audit events, newest first",
    query: ListAuditQuery,
    responses: { 200: json(pageOf(AuditEventSchema, 'AuditEventPage'), 'A page of audit events'), ...problems([400, ...PARTNER_ERRORS]) },
  }),
  getPartner: op({
    name: 'getPartner',
    ...routes.getPartner,
    access: 'partner',
    summary: "The caller's partner profile",
    responses: { 200: json(PartnerSchema, 'The partner'), ...problems(PARTNER_ERRORS) },
  }),
  getInsights: op({
    name: 'getInsights',
    ...routes.getInsights,
    access: 'partner',
    summary: "The caller's counts at this moment: invitations, relationships, delegated admin, acceptance, the last 12 weeks",
    responses: { 200: json(InsightsSchema, 'The insights'), ...problems(PARTNER_ERRORS) },
  }),
  // ---------- delegated admin: the role catalogue, the partner's controls, the customer's side ----------
  listRoles: op({
    name: 'listRoles',
    ...routes.listRoles,
    access: 'anonymous',
    summary: 'The Microsoft Entra built-in roles a partner may ask for (role template IDs, English and Spanish names)',
    responses: { 200: json(RoleCatalogueSchema, 'The role catalogue'), ...problems([503]) },
  }),
  setDelegatedAdminAutoExtend: op({
    name: 'setDelegatedAdminAutoExtend',
    ...routes.setDelegatedAdminAutoExtend,
    access: 'partner',
    summary:
      'Switch auto-extension (180 days at the end, never with Global Administrator) and/or keep fewer roles; adding a role needs an access request (409 approval-required)',
    params: CustomerParams,
    body: ChangeDelegatedAdminBody,
    responses: {
      200: json(RelationshipSchema, 'The relationship', ['ETag']),
      ...problems([400, ...PARTNER_ERRORS, 404, 409, 412, 413, 415]),
    },
  }),
  revokeDelegatedAdmin: op({
    name: 'revokeDelegatedAdmin',
    ...routes.revokeDelegatedAdmin,
    access: 'partner',
    summary: 'End delegated admin early; the relationship stays (revoking again returns it as it is)',
    params: CustomerParams,
    body: CustomerRevokeBody,
    optionalBody: true,
    responses: {
      200: json(RelationshipSchema, 'The relationship, delegated admin revoked', ['ETag']),
      ...problems([400, ...PARTNER_ERRORS, 404, 412, 413, 415]),
    },
  }),
  listCustomerRelationships: op({
    name: 'listCustomerRelationships',
    ...routes.listCustomerRelationships,
    access: 'principal',
    summary: "The customer's global admin: every partner with a relationship to the caller's tenant",
    query: CustomerPageQuery,
    responses: {
      200: json(pageOf(CustomerRelationshipSchema, 'CustomerRelationshipPage'), 'A page of relationships, as the customer sees them'),
      ...problems([400, 401, 403, 503]),
    },
  }),
  customerRevokeDelegatedAdmin: op({
    name: 'customerRevokeDelegatedAdmin',
    ...routes.customerRevokeDelegatedAdmin,
    access: 'principal',
    summary: "The customer's global admin removes a partner's delegated admin roles (JSON, or the page's form post); no email is sent",
    params: PartnerParams,
    body: CustomerRevokeBody,
    form: true,
    optionalBody: true,
    errorPagesForForms: true,
    responses: {
      200: {
        description: 'The relationship as the customer sees it, or the page for a form post',
        json: CustomerRelationshipSchema,
        html: true,
      },
      ...problems([400, 401, 403, 404, 413, 415, 503], true),
    },
  }),
  customerPage: op({
    name: 'customerPage',
    ...routes.customerPage,
    access: 'anonymous',
    summary: '"Partner relationships": the customer\'s page (HTML), with "Remove roles" per partner',
    query: CustomerPageQuery,
    responses: {
      200: page('The partners and their roles, with Remove roles for a global admin; else a sign-in link or the role needed'),
      ...problems([400, 503]),
    },
  }),
  // ---------- access requests: the partner asks for other roles or more time, the customer answers ----------
  createChangeRequest: op({
    name: 'createChangeRequest',
    ...routes.createChangeRequest,
    access: 'partner',
    summary: 'Ask the customer for other delegated admin roles or a new duration (supersedes a pending request)',
    params: CustomerParams,
    body: CreateChangeRequestBody,
    optionalBody: true,
    responses: {
      201: json(ChangeRequestSchema, 'The access request, with its link and draft', ['Location']),
      ...problems([400, ...PARTNER_ERRORS, 404, 409, 413, 415]),
    },
  }),
  listChangeRequests: op({
    name: 'listChangeRequests',
    ...routes.listChangeRequests,
    access: 'partner',
    summary: "A relationship's access requests, newest first",
    params: CustomerParams,
    query: CustomerPageQuery,
    responses: {
      200: json(pageOf(ChangeRequestSchema, 'AccessChangeRequestPage'), 'A page of access requests'),
      ...problems([400, ...PARTNER_ERRORS, 404]),
    },
  }),
  getChangeRequest: op({
    name: 'getChangeRequest',
    ...routes.getChangeRequest,
    access: 'partner',
    summary: 'One access request, with its link and draft while pending',
    params: ChangeRequestParams,
    responses: { 200: json(ChangeRequestSchema, 'The access request'), ...problems([...PARTNER_ERRORS, 404]) },
  }),
  revokeChangeRequest: op({
    name: 'revokeChangeRequest',
    ...routes.revokeChangeRequest,
    access: 'partner',
    summary: 'Revoke a pending access request; its link stops working',
    params: ChangeRequestParams,
    responses: { 200: json(ChangeRequestSchema, 'The revoked access request'), ...problems([...PARTNER_ERRORS, 404, 409]) },
  }),
  sendChangeRequest: op({
    name: 'sendChangeRequest',
    ...routes.sendChangeRequest,
    access: 'partner',
    summary: "Send the (optionally edited) access request's draft through Azure Communication Services, within the send limits",
    params: ChangeRequestParams,
    body: SendInvitationBody,
    optionalBody: true,
    responses: {
      200: json(ChangeRequestSchema, 'The access request, its email sent'),
      ...problems([400, ...PARTNER_ERRORS, 404, 409, 413, 415, 429, 502]),
    },
  }),
  changeRequestPage: op({
    name: 'changeRequestPage',
    ...routes.changeRequestPage,
    access: 'anonymous',
    summary: "The customer's page for an access request link (HTML; changes nothing)",
    params: RequestTokenParams,
    responses: {
      200: page('The change side by side (Approve per added role, Decline), a sign-in link, or the answer given'),
      410: page('The link is no longer valid (expired, revoked, superseded or unknown); no form'),
      ...problems([404, 503]),
    },
  }),
  answerChangeRequest: op({
    name: 'answerChangeRequest',
    ...routes.answerChangeRequest,
    // The handler requires the principal itself, so that a browser gets every error as a page.
    access: 'anonymous',
    summary: "Approve (all or some added roles) or decline an access request as the customer's global admin",
    params: RequestTokenParams,
    body: AnswerChangeRequestBody,
    form: true,
    optionalBody: true,
    errorPagesForForms: true,
    responses: {
      200: { description: 'The answer: JSON, or a page for a form post', json: ChangeAnswerSchema, html: true },
      ...problems([400, 401, 403, 404, 409, 410, 413, 415, 503], true),
    },
  }),
  listPartners: op({
    name: 'listPartners',
    ...routes.listPartners,
    access: 'operator',
    summary: 'Operator: the enrolled partners, by ID',
    query: ListPartnersQuery,
    responses: {
      200: json(pageOf(PartnerRecordSchema, 'PartnerRecordPage'), 'A page of partners'),
      ...problems([400, ...OPERATOR_ERRORS]),
    },
  }),
  getPartnerRecord: op({
    name: 'getPartnerRecord',
    ...routes.getPartnerRecord,
    access: 'operator',
    summary: "Operator: one partner's record",
    params: PartnerRecordParams,
    responses: { 200: json(PartnerRecordSchema, 'The partner'), ...problems([...OPERATOR_ERRORS, 404]) },
  }),
  putPartner: op({
    name: 'putPartner',
    ...routes.putPartner,
    access: 'operator',
    summary: 'Operator: enrol, change, suspend or reactivate a partner (audited in its own data)',
    params: PartnerRecordParams,
    body: PutPartnerBody,
    responses: {
      200: json(PartnerRecordSchema, 'The partner, changed (or already so: nothing recorded)'),
      201: json(PartnerRecordSchema, 'The partner, enrolled', ['Location']),
      ...problems([400, ...OPERATOR_ERRORS, 404, 413, 415]),
    },
  }),
  health: op({
    name: 'health',
    ...routes.health,
    access: 'anonymous',
    summary: 'Health: 200 when storage answers, 503 when not',
    responses: { 200: json(HealthSchema, 'Storage answers'), ...problems([503]) },
  }),
  putWebhook: op({
    name: 'putWebhook',
    ...routes.putWebhook,
    access: 'partner',
    summary: "Register (or change) the caller's webhook; the first registration returns its secret, once",
    body: WebhookBody,
    responses: {
      200: json(WebhookSchema, 'The registration, changed'),
      201: json(WebhookCreatedSchema, 'The registration, created, with its secret (shown only now)'),
      ...problems([400, ...PARTNER_ERRORS, 413, 415]),
    },
  }),
  getWebhook: op({
    name: 'getWebhook',
    ...routes.getWebhook,
    access: 'partner',
    summary: "The caller's webhook registration (never its secret)",
    responses: { 200: json(WebhookSchema, 'The registration'), ...problems([...PARTNER_ERRORS, 404]) },
  }),
  deleteWebhook: op({
    name: 'deleteWebhook',
    ...routes.deleteWebhook,
    access: 'partner',
    summary: "Removes the caller's webhook: nothing more is delivered",
    responses: { 204: { description: 'Removed', empty: true }, ...problems([...PARTNER_ERRORS, 404]) },
  }),
  rotateWebhookSecret: op({
    name: 'rotateWebhookSecret',
    ...routes.rotateWebhookSecret,
    access: 'partner',
    summary: 'A new signing secret (shown once); each replaced one keeps signing alongside it for 24 h (at most 3 rotations in 24 h)',
    responses: { 200: json(SecretSchema, 'The new secret'), ...problems([...PARTNER_ERRORS, 404, 429]) },
  }),
  testWebhook: op({
    name: 'testWebhook',
    ...routes.testWebhook,
    access: 'partner',
    summary: 'Delivers a `test.created` event to the webhook (5 a minute); re-enables a failing or disabled endpoint',
    responses: { 202: json(EventIdSchema, 'The test event, committed and on its way'), ...problems([...PARTNER_ERRORS, 404, 429]) },
  }),
  listDeliveries: op({
    name: 'listDeliveries',
    ...routes.listDeliveries,
    access: 'partner',
    summary: "The delivery log of the caller's webhook, oldest event first",
    query: ListDeliveriesQuery,
    responses: { 200: json(pageOf(DeliverySchema, 'DeliveryPage'), 'A page of deliveries'), ...problems([400, ...PARTNER_ERRORS]) },
  }),
  redeliver: op({
    name: 'redeliver',
    ...routes.redeliver,
    access: 'partner',
    summary: 'Delivers an event again (a new round of attempts; a pending delivery goes on as scheduled). 10 a minute, 3 an hour per event',
    params: EventParams,
    responses: { 202: { description: 'Queued for delivery', empty: true }, ...problems([...PARTNER_ERRORS, 404, 429]) },
  }),
  listEvents: op({
    name: 'listEvents',
    ...routes.listEvents,
    access: 'partner',
    summary: "The caller's events (CloudEvents), oldest first, after a position: a feed to reconcile from",
    query: ListEventsQuery,
    responses: { 200: json(pageOf(CloudEventSchema, 'EventPage'), 'A page of events'), ...problems([400, ...PARTNER_ERRORS]) },
  }),
  openapi: op({
    name: 'openapi',
    ...routes.openapi,
    access: 'anonymous',
    summary: 'This OpenAPI 3.1 document',
    responses: {
      200: json(
        z.deferred(() => z.record(z.string(), z.unknown()), { id: 'OpenApiDocument' }),
        'The OpenAPI 3.1 document',
      ),
    },
  }),
} satisfies Record<string, Operation>;

export type OperationName = keyof typeof operations;
