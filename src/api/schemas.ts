/**
 * The API's request and response shapes: the single source of the handlers' input validation,
 * the TypeScript types (z.infer), the OpenAPI document and the portal client.
 */
import { z } from 'zod';
import {
  AUDIT_ACTIONS,
  DECISIONS,
  DELEGATED_ADMIN_PARTIES,
  DELEGATED_ADMIN_STATUSES,
  EMAIL_STATUSES,
  INVITATION_KINDS,
  INVITATION_STATUSES,
  LOCALES,
  PARTNER_KINDS,
  PARTNER_STATUSES,
  RELATIONSHIP_ROLES,
  RELATIONSHIP_STATUSES,
} from '../domain/model';
import { ATTESTATION_STATEMENT } from '../domain/relationships';

export { ATTESTATION_STATEMENT };
import { multiLineProblem, singleLineProblem } from '../domain/text';

export const Uuid = z.uuid('must be a UUID').transform((v) => v.toLowerCase());
export const IsoDate = z.iso.datetime();

/** A hostname such as contoso.com (no scheme, no path). */
const Hostname = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/,
    'must be a hostname such as contoso.com',
  );

export const Locale = z.enum(LOCALES);

/** One line of text from a user (src/domain/text.ts says which characters it may not hold). */
const oneLine = (v: z.ZodString) =>
  v.check((ctx) => {
    const problem = singleLineProblem(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  });
const SingleLine = (max: number) => oneLine(z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`));
/** An email body: line breaks and tabs allowed, other control characters and bidi overrides not. */
const MultiLine = (max: number) =>
  z
    .string()
    .min(1)
    .max(max, `must be at most ${max} characters`)
    .check((ctx) => {
      const problem = multiLineProblem(ctx.value);
      if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
    });

export const PageSize = z.coerce
  .number({ error: 'must be a whole number from 1 to 500' })
  .int('must be a whole number from 1 to 500')
  .min(1, 'must be a whole number from 1 to 500')
  .max(500, 'must be a whole number from 1 to 500')
  .default(100);

export const Continuation = z.string().max(2048, 'is not a valid continuation token').optional();

/** A list's CSV export (or Accept: text/csv): every matching row, `;` for Spanish Excel. */
export const CsvExport = {
  format: z
    .enum(['json', 'csv'], { error: 'must be json or csv' })
    .optional()
    .describe('csv: every matching row as CSV (as Accept: text/csv)'),
  delimiter: z.enum(['comma', 'semicolon'], { error: 'must be comma or semicolon' }).default('comma').describe('The CSV delimiter'),
};

// ---------- partners ----------

export const PartnerSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(PARTNER_KINDS),
    indirectProviderIds: z.array(z.uuid()),
    indirectProviders: z.array(z.object({ id: z.uuid(), name: z.string() })).optional(),
  })
  .meta({ id: 'Partner' });

// ---------- the operator API ----------

export const PartnerRecordSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(PARTNER_KINDS),
    indirectProviderIds: z.array(z.uuid()),
    status: z.enum(PARTNER_STATUSES),
    enrolledAt: IsoDate,
    updatedAt: IsoDate,
    updatedBy: z.object({ id: z.string(), name: z.string(), tenantId: z.string() }),
  })
  .meta({ id: 'PartnerRecord' });

export const PartnerRecordParams = z.object({ id: Uuid });

/** PUT /api/admin/partners/{id}: the whole partner (linked providers are checked by the use case). */
export const PutPartnerBody = z
  .strictObject({
    name: SingleLine(256),
    kind: z.enum(PARTNER_KINDS),
    indirectProviderIds: z
      .array(Uuid)
      .max(50, 'must list at most 50 providers')
      .refine((ids) => new Set(ids).size === ids.length, 'must not list a provider twice'),
    status: z.enum(PARTNER_STATUSES),
  })
  .meta({ id: 'PutPartnerRequest' });

export const ListPartnersQuery = z.object({ pageSize: PageSize, continuationToken: Continuation });

/** The seed file of `npm run seed`. */
export const SeedFileSchema = z.strictObject({
  partners: z
    .array(
      z.strictObject({
        id: Uuid,
        name: SingleLine(256),
        kind: z.enum(PARTNER_KINDS),
        indirectProviderIds: z.array(Uuid).max(50).default([]),
      }),
    )
    .max(10_000),
});

// ---------- delegated admin (src/domain/roles.ts, src/domain/grant.ts) ----------

export const RoleSchema = z
  .object({
    id: z.uuid().describe('The Microsoft Entra role template ID'),
    name: z.object({ en: z.string(), es: z.string() }),
    privileged: z.boolean().describe("Microsoft's PRIVILEGED label"),
    default: z.boolean().describe('Asked for when an invitation names no roles (the least-privilege readers)'),
  })
  .meta({ id: 'Role' });

export const RoleCatalogueSchema = z.object({ items: z.array(RoleSchema) }).meta({ id: 'RoleCatalogue' });

/** Checked further by the use case (known roles, the range of days, no auto-extended Global Administrator). */
export const AccessRequestSchema = z
  .strictObject({
    roles: z.array(z.string().max(64)).min(1, 'must name at least one role').max(50).optional(),
    duration: z.string().max(16).optional().describe('ISO 8601 days, P1D..P730D (default P730D)'),
    autoExtend: z.boolean().optional().describe('Extend by 180 days at the end (never with Global Administrator)'),
  })
  .meta({ id: 'AccessRequest' });

export const AccessSchema = z.object({ roles: z.array(z.string()), duration: z.string(), autoExtend: z.boolean() }).meta({ id: 'Access' });

const ActorSchema = z.object({ id: z.string(), name: z.string(), tenantId: z.string() });

export const DelegatedAdminSchema = z
  .object({
    status: z.enum(DELEGATED_ADMIN_STATUSES),
    roles: z.array(z.string()).describe('Entra role template IDs'),
    grantedAt: IsoDate,
    endsAt: IsoDate,
    autoExtend: z.boolean(),
    revokedAt: IsoDate.optional(),
    revokedBy: ActorSchema.extend({ party: z.enum(DELEGATED_ADMIN_PARTIES) }).optional(),
    expiredAt: IsoDate.optional(),
  })
  .meta({ id: 'DelegatedAdmin' });

export const SetAutoExtendBody = z.strictObject({ autoExtend: z.boolean() }).meta({ id: 'SetAutoExtendRequest' });

/** A relationship as its customer sees it: nothing partner-internal. */
export const CustomerRelationshipSchema = z
  .object({
    partnerId: z.uuid(),
    partnerName: z.string(),
    customerId: z.uuid(),
    role: z.enum(RELATIONSHIP_ROLES).describe('reseller, or indirect provider'),
    resellerId: z.uuid().optional(),
    status: z.enum(RELATIONSHIP_STATUSES),
    delegatedAdmin: DelegatedAdminSchema.omit({ revokedBy: true }).extend({
      revokedBy: z.enum(DELEGATED_ADMIN_PARTIES).optional(),
      roleNames: z.array(z.string()).describe('The roles by name, in the language of Accept-Language'),
    }),
    establishedAt: IsoDate,
    removedAt: IsoDate.optional(),
  })
  .meta({ id: 'CustomerRelationship' });

export const PartnerParams = z.object({ partnerId: Uuid });
export const CustomerPageQuery = z.object({ pageSize: PageSize, continuationToken: Continuation });
/** The page's form posts carry nothing; JSON callers may send {}. */
export const CustomerRevokeBody = z.strictObject({}).meta({ id: 'CustomerRevokeRequest' });

// ---------- invitations ----------

export const InvitationStatus = z.enum(INVITATION_STATUSES);

export const CreateInvitationBody = z
  .strictObject({
    customer: z.strictObject({
      tenantId: Uuid.optional(),
      companyName: SingleLine(256),
      domain: Hostname.optional(),
      email: z
        .email('must be an email address')
        .max(254)
        .transform((v) => v.trim()),
    }),
    indirectProviderId: Uuid.optional(),
    locale: Locale.optional(),
    send: z.boolean().default(false),
    access: AccessRequestSchema.optional(),
  })
  .meta({ id: 'CreateInvitationRequest' });

const MAX_DRAFT = 48 * 1024;
export const SendInvitationBody = z
  .strictObject({
    subject: SingleLine(256).optional(),
    text: MultiLine(MAX_DRAFT).optional(),
    html: MultiLine(MAX_DRAFT).optional(),
  })
  .meta({ id: 'SendInvitationRequest' });

export const DraftSchema = z.object({ to: z.string(), subject: z.string(), text: z.string(), html: z.string() }).meta({ id: 'Draft' });

export const InvitationSchema = z
  .object({
    id: z.string(),
    partnerId: z.uuid(),
    kind: z.enum(INVITATION_KINDS),
    indirectProviderId: z.uuid().optional(),
    customer: z.object({
      tenantId: z.uuid().optional(),
      companyName: z.string(),
      domain: z.string().optional(),
      email: z.string(),
    }),
    status: InvitationStatus,
    url: z.string().optional().describe('Only while pending'),
    expiresAt: IsoDate,
    locale: Locale,
    draft: DraftSchema.optional().describe('Only while pending'),
    email: z.object({
      status: z.enum(EMAIL_STATUSES),
      sentAt: IsoDate.optional(),
      operationId: z.string().optional(),
      error: z.string().optional(),
    }),
    createdAt: IsoDate,
    createdBy: z.object({ id: z.string(), name: z.string(), tenantId: z.string() }),
    acceptedAt: IsoDate.optional(),
    acceptedBy: z.object({ id: z.string(), name: z.string(), tenantId: z.string() }).optional(),
    customerId: z.uuid().optional(),
    access: AccessSchema,
  })
  .meta({ id: 'Invitation' });

export const ListInvitationsQuery = z.object({
  status: z.enum([...InvitationStatus.options, 'all']).default('all'),
  pageSize: PageSize,
  continuationToken: Continuation,
  ...CsvExport,
});

// Case-insensitive like CustomerParams: an upper-case invitation ID names the same invitation.
export const InvitationParams = z.object({
  id: z
    .string()
    .regex(/^[0-9a-fA-F-]{36}$/)
    .transform((v) => v.toLowerCase()),
});

// ---------- acceptance ----------

export const AcceptParams = z.object({ token: z.string().min(1).max(512) });
export const AcceptBody = z.object({ decision: z.enum(DECISIONS).default('accept') }).meta({ id: 'AcceptRequest' });

// ---------- relationships ----------

export const RelationshipStatus = z.enum(RELATIONSHIP_STATUSES);
export const RelationshipSchema = z
  .object({
    partnerId: z.uuid(),
    customerId: z.uuid(),
    companyName: z.string(),
    domain: z.string().optional(),
    role: z.enum(RELATIONSHIP_ROLES),
    status: RelationshipStatus,
    indirectProviderId: z.uuid().optional(),
    resellerId: z.uuid().optional(),
    delegatedAdmin: DelegatedAdminSchema,
    invitationId: z.string(),
    establishedAt: IsoDate,
    removedAt: IsoDate.optional(),
    removedBy: z.object({ id: z.string(), name: z.string(), tenantId: z.string() }).optional(),
    etag: z.string(),
  })
  .meta({ id: 'Relationship' });

/** A relationship as the accepting customer sees it (the answer to an acceptance): no partner-internal fields. */
export const AcceptedRelationshipSchema = RelationshipSchema.omit({ etag: true, removedAt: true, removedBy: true })
  .extend({ delegatedAdmin: DelegatedAdminSchema.pick({ status: true, roles: true, grantedAt: true, endsAt: true, autoExtend: true }) })
  .meta({ id: 'AcceptedRelationship' });

export const ListRelationshipsQuery = z.object({
  status: z.enum([...RELATIONSHIP_STATUSES, 'all']).default('active'),
  q: oneLine(z.string().trim().max(256, 'must be at most 256 characters'))
    // Compatibility forms can grow many times when folded (NFKD): bound what reaches storage.
    .refine((v) => v.normalize('NFKD').length <= 256, 'must be at most 256 characters once normalised')
    .optional(),
  pageSize: PageSize,
  continuationToken: Continuation,
  ...CsvExport,
});

export const CustomerParams = z.object({ customerId: Uuid });

export const RemoveRelationshipBody = z
  .strictObject({
    // Any value is read here; the use case answers anything but `true` with the statement quoted.
    attestGoodFaith: z
      .unknown()
      .optional()
      .meta({ type: 'boolean', description: `Must be true: ${ATTESTATION_STATEMENT}` }),
    reason: oneLine(z.string().trim().max(500, 'must be at most 500 characters')).optional(),
  })
  .meta({ id: 'RemoveRelationshipRequest' });

export const RemovalResultSchema = RelationshipSchema.extend({
  notice: z.string().describe('Reminder that the customer was not notified'),
}).meta({ id: 'RemovalResult' });

// ---------- audit ----------

export const AuditAction = z.enum(AUDIT_ACTIONS);

export const AuditEventSchema = z
  .object({
    id: z.string(),
    at: IsoDate,
    actor: z.object({ id: z.string(), name: z.string(), tenantId: z.string() }),
    action: AuditAction,
    partnerId: z.uuid(),
    customerId: z.uuid().optional(),
    invitationId: z.string().optional(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEvent' });

export const ListAuditQuery = z.object({
  customerId: Uuid.optional(),
  pageSize: PageSize,
  continuationToken: Continuation,
});

// ---------- misc ----------

export const HealthSchema = z
  .object({ status: z.literal('ok'), storage: z.literal('ok'), email: z.enum(['configured', 'notConfigured']) })
  .meta({ id: 'Health' });

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.record(z.string(), z.array(z.string())).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Problem' });

export const pageOf = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ items: z.array(item), continuationToken: z.string().optional() }).meta({ id });
