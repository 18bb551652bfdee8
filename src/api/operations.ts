/**
 * Every route of the API, declared once: the function files register these (with app.http and
 * the local runner), the OpenAPI document lists them and the portal client calls them.
 */
import { z } from 'zod';
import { routes } from './routes';
import {
  AcceptBody,
  AcceptParams,
  AuditEventSchema,
  CreateInvitationBody,
  CustomerParams,
  HealthSchema,
  InvitationParams,
  InvitationSchema,
  ListAuditQuery,
  ListInvitationsQuery,
  ListRelationshipsQuery,
  PartnerSchema,
  RelationshipSchema,
  RemovalResultSchema,
  RemoveRelationshipBody,
  SendInvitationBody,
  pageOf,
} from './schemas';

export type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'HEAD';
/** anonymous: no principal needed; principal: any signed-in user; partner: an enrolled partner's GlobalAdmin/AdminAgent. */
export type Access = 'anonymous' | 'principal' | 'partner';

export interface Operation {
  name: string;
  methods: readonly HttpMethod[];
  /** Route as the Functions host declares it, without the `api/` prefix. */
  route: string;
  access: Access;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  /** The JSON body; `form: true` also accepts application/x-www-form-urlencoded. */
  body?: z.ZodType;
  form?: boolean;
  /** A body is optional (an empty body reads as {}). */
  optionalBody?: boolean;
  status: number;
  response?: z.ZodType;
  /** The answer is an HTML page. */
  html?: boolean;
}

const op = <const O extends Operation>(o: O): O => o;

export const operations = {
  createInvitation: op({
    name: 'createInvitation',
    ...routes.createInvitation,
    access: 'partner',
    summary: 'Create an invitation (and its email draft) for a customer',
    body: CreateInvitationBody,
    status: 201,
    response: InvitationSchema,
  }),
  listInvitations: op({
    name: 'listInvitations',
    ...routes.listInvitations,
    access: 'partner',
    summary: "List the caller's invitations, newest first",
    query: ListInvitationsQuery,
    status: 200,
    response: pageOf(InvitationSchema, 'InvitationPage'),
  }),
  getInvitation: op({
    name: 'getInvitation',
    ...routes.getInvitation,
    access: 'partner',
    summary: 'Get an invitation, with its link and draft while pending',
    params: InvitationParams,
    status: 200,
    response: InvitationSchema,
  }),
  sendInvitation: op({
    name: 'sendInvitation',
    ...routes.sendInvitation,
    access: 'partner',
    summary: 'Send the (optionally edited) draft through Azure Communication Services',
    params: InvitationParams,
    body: SendInvitationBody,
    optionalBody: true,
    status: 200,
    response: InvitationSchema,
  }),
  revokeInvitation: op({
    name: 'revokeInvitation',
    ...routes.revokeInvitation,
    access: 'partner',
    summary: 'Revoke a pending invitation; its link stops working',
    params: InvitationParams,
    status: 200,
    response: InvitationSchema,
  }),
  acceptPage: op({
    name: 'acceptPage',
    ...routes.acceptPage,
    access: 'anonymous',
    summary: "The customer's page for an invitation link (HTML; changes nothing)",
    params: AcceptParams,
    status: 200,
    html: true,
  }),
  acceptInvitation: op({
    name: 'acceptInvitation',
    ...routes.acceptInvitation,
    // The handler requires the principal itself, so that a browser gets every error as a page.
    access: 'anonymous',
    summary: "Accept or decline an invitation as the customer's global admin",
    params: AcceptParams,
    body: AcceptBody,
    form: true,
    optionalBody: true,
    status: 200,
    response: z
      .object({
        status: z.enum(['accepted', 'declined']),
        invitationId: z.string(),
        customerId: z.uuid().optional(),
        relationships: z.array(RelationshipSchema.omit({ etag: true })),
      })
      .meta({ id: 'AcceptResult' }),
  }),
  listRelationships: op({
    name: 'listRelationships',
    ...routes.listRelationships,
    access: 'partner',
    summary: "List the caller's customers by company name",
    query: ListRelationshipsQuery,
    status: 200,
    response: pageOf(RelationshipSchema, 'RelationshipPage'),
  }),
  getRelationship: op({
    name: 'getRelationship',
    ...routes.getRelationship,
    access: 'partner',
    summary: 'Get one relationship (ETag header = etag)',
    params: CustomerParams,
    status: 200,
    response: RelationshipSchema,
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
    status: 200,
    response: RemovalResultSchema,
  }),
  listAuditEvents: op({
    name: 'listAuditEvents',
    ...routes.listAuditEvents,
    access: 'partner',
    summary: "The caller's audit events, newest first",
    query: ListAuditQuery,
    status: 200,
    response: pageOf(AuditEventSchema, 'AuditEventPage'),
  }),
  getPartner: op({
    name: 'getPartner',
    ...routes.getPartner,
    access: 'partner',
    summary: "The caller's partner profile",
    status: 200,
    response: PartnerSchema,
  }),
  health: op({
    name: 'health',
    ...routes.health,
    access: 'anonymous',
    summary: 'Health: 200 when storage answers, 503 when not',
    status: 200,
    response: HealthSchema,
  }),
  openapi: op({
    name: 'openapi',
    ...routes.openapi,
    access: 'anonymous',
    summary: 'This OpenAPI 3.1 document',
    status: 200,
  }),
} satisfies Record<string, Operation>;

export type OperationName = keyof typeof operations;
