/**
 * The API's request and response shapes: the single source of the handlers' input validation,
 * the TypeScript types (z.infer), the OpenAPI document and the portal client.
 */
import * as z from '../zod';
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

export const Uuid = z.pipe(
  z.uuid('must be a UUID'),
  z.transform((v: string) => v.toLowerCase()),
);
export const IsoDate = z.iso.datetime();

/** A hostname such as contoso.com (no scheme, no path). */
const Hostname = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.maxLength(253),
    z.regex(
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/,
      'must be a hostname such as contoso.com',
    ),
  );

export const Locale = z.enum(LOCALES);

/** One line of text from a user (src/domain/text.ts says which characters it may not hold). */
const oneLine = (v: z.ZodMiniString) =>
  v.check((ctx) => {
    const problem = singleLineProblem(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  });
const SingleLine = (max: number) =>
  oneLine(z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(max, `must be at most ${max} characters`)));
/** An email body: line breaks and tabs allowed, other control characters and bidi overrides not. */
const MultiLine = (max: number) =>
  z.string().check(z.minLength(1), z.maxLength(max, `must be at most ${max} characters`), (ctx) => {
    const problem = multiLineProblem(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  });

const PAGE_SIZE_RULE = 'must be a whole number from 1 to 500';
export const PageSize = z._default(
  z.coerce.number({ error: PAGE_SIZE_RULE }).check(z.int(PAGE_SIZE_RULE), z.gte(1, PAGE_SIZE_RULE), z.lte(500, PAGE_SIZE_RULE)),
  100,
);

export const Continuation = z.optional(z.string().check(z.maxLength(2048, 'is not a valid continuation token')));

/** Who did something (a user of a tenant). */
export const actor = () => z.object({ id: z.string(), name: z.string(), tenantId: z.string() });

// ---------- partners ----------

/** What a partner is, in the partner's own view and in the operator's record. */
const partnerFields = () => ({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(PARTNER_KINDS),
  indirectProviderIds: z.array(z.uuid()),
});

export const PartnerSchema = z.deferred(
  () =>
    z.object({
      ...partnerFields(),
      indirectProviders: z.optional(z.array(z.object({ id: z.uuid(), name: z.string() }))),
    }),
  { id: 'Partner' },
);

// ---------- the operator API ----------

export const PartnerRecordSchema = z.deferred(
  () =>
    z.object({
      ...partnerFields(),
      status: z.enum(PARTNER_STATUSES),
      enrolledAt: IsoDate,
      updatedAt: IsoDate,
      updatedBy: actor(),
    }),
  { id: 'PartnerRecord' },
);

export const PartnerRecordParams = z.lazy(() => z.object({ id: Uuid }));

/** PUT /api/admin/partners/{id}: the whole partner (linked providers are checked by the use case). */
export const PutPartnerBody = z.deferred(
  () =>
    z.strictObject({
      name: SingleLine(256),
      kind: z.enum(PARTNER_KINDS),
      indirectProviderIds: z.array(Uuid).check(
        z.maxLength(50, 'must list at most 50 providers'),
        z.refine((ids) => new Set(ids).size === ids.length, 'must not list a provider twice'),
      ),
      status: z.enum(PARTNER_STATUSES),
    }),
  { id: 'PutPartnerRequest' },
);

export const ListPartnersQuery = z.lazy(() => z.object({ pageSize: PageSize, continuationToken: Continuation }));

/** The seed file of `npm run seed`. */
export const SeedFileSchema = z.strictObject({
  partners: z
    .array(
      z.strictObject({
        id: Uuid,
        name: SingleLine(256),
        kind: z.enum(PARTNER_KINDS),
        indirectProviderIds: z._default(z.array(Uuid).check(z.maxLength(50)), []),
      }),
    )
    .check(z.maxLength(10_000)),
});

// ---------- delegated admin (src/domain/roles.ts, src/domain/grant.ts) ----------

export const RoleSchema = z.deferred(
  () =>
    z.object({
      id: z.described(z.uuid(), 'The Microsoft Entra role template ID'),
      name: z.object({ en: z.string(), es: z.string() }),
      privileged: z.described(z.boolean(), "Microsoft's PRIVILEGED label"),
      default: z.described(z.boolean(), 'Asked for when an invitation names no roles (the least-privilege readers)'),
    }),
  { id: 'Role' },
);

export const RoleCatalogueSchema = z.deferred(() => z.object({ items: z.array(RoleSchema) }), { id: 'RoleCatalogue' });

/** Checked further by the use case (known roles, the range of days, no auto-extended Global Administrator). */
export const AccessRequestSchema = z.deferred(
  () =>
    z.strictObject({
      roles: z.optional(z.array(z.string().check(z.maxLength(64))).check(z.minLength(1, 'must name at least one role'), z.maxLength(50))),
      duration: z.described(z.optional(z.string().check(z.maxLength(16))), 'ISO 8601 days, P1D..P730D (default P730D)'),
      autoExtend: z.described(z.optional(z.boolean()), 'Extend by 180 days at the end (never with Global Administrator)'),
    }),
  { id: 'AccessRequest' },
);

export const AccessSchema = z.deferred(() => z.object({ roles: z.array(z.string()), duration: z.string(), autoExtend: z.boolean() }), {
  id: 'Access',
});

const delegatedAdmin = () =>
  z.object({
    status: z.enum(DELEGATED_ADMIN_STATUSES),
    roles: z.described(z.array(z.string()), 'Entra role template IDs'),
    grantedAt: IsoDate,
    endsAt: IsoDate,
    autoExtend: z.boolean(),
    revokedAt: z.optional(IsoDate),
    revokedBy: z.optional(z.extend(actor(), { party: z.enum(DELEGATED_ADMIN_PARTIES) })),
    expiredAt: z.optional(IsoDate),
  });

export const DelegatedAdminSchema = z.deferred(delegatedAdmin, { id: 'DelegatedAdmin' });

/** A relationship as its customer sees it: nothing partner-internal. */
export const CustomerRelationshipSchema = z.deferred(
  () =>
    z.object({
      partnerId: z.uuid(),
      partnerName: z.string(),
      customerId: z.uuid(),
      role: z.described(z.enum(RELATIONSHIP_ROLES), 'reseller, or indirect provider'),
      resellerId: z.optional(z.uuid()),
      status: z.enum(RELATIONSHIP_STATUSES),
      delegatedAdmin: z.extend(z.omit(delegatedAdmin(), { revokedBy: true }), {
        revokedBy: z.optional(z.enum(DELEGATED_ADMIN_PARTIES)),
        roleNames: z.described(z.array(z.string()), 'The roles by name, in the language of Accept-Language'),
      }),
      establishedAt: IsoDate,
      removedAt: z.optional(IsoDate),
    }),
  { id: 'CustomerRelationship' },
);

export const PartnerParams = z.lazy(() => z.object({ partnerId: Uuid }));
export const CustomerPageQuery = z.lazy(() => z.object({ pageSize: PageSize, continuationToken: Continuation }));
/** The page's form posts carry nothing; JSON callers may send {}. */
export const CustomerRevokeBody = z.deferred(() => z.strictObject({}), { id: 'CustomerRevokeRequest' });

// ---------- invitations ----------

export const InvitationStatus = z.enum(INVITATION_STATUSES);

export const CreateInvitationBody = z.deferred(
  () =>
    z.strictObject({
      customer: z.strictObject({
        tenantId: z.optional(Uuid),
        companyName: SingleLine(256),
        domain: z.optional(Hostname),
        email: z.pipe(
          z.email('must be an email address').check(z.maxLength(254)),
          z.transform((v: string) => v.trim()),
        ),
      }),
      indirectProviderId: z.optional(Uuid),
      locale: z.optional(Locale),
      send: z._default(z.boolean(), false),
      access: z.optional(AccessRequestSchema),
      reminder: z.described(
        z._default(z.boolean(), false),
        'One reminder email 3 days before expiry, if the draft was sent through the service',
      ),
    }),
  { id: 'CreateInvitationRequest' },
);

const MAX_DRAFT = 48 * 1024;
export const SendInvitationBody = z.deferred(
  () =>
    z.strictObject({
      subject: z.optional(SingleLine(256)),
      text: z.optional(MultiLine(MAX_DRAFT)),
      html: z.optional(MultiLine(MAX_DRAFT)),
    }),
  { id: 'SendInvitationRequest' },
);

export const DraftSchema = z.deferred(() => z.object({ to: z.string(), subject: z.string(), text: z.string(), html: z.string() }), {
  id: 'Draft',
});

export const InvitationSchema = z.deferred(
  () =>
    z.object({
      id: z.string(),
      partnerId: z.uuid(),
      kind: z.enum(INVITATION_KINDS),
      indirectProviderId: z.optional(z.uuid()),
      customer: z.object({
        tenantId: z.optional(z.uuid()),
        companyName: z.string(),
        domain: z.optional(z.string()),
        email: z.string(),
      }),
      status: InvitationStatus,
      url: z.described(z.optional(z.string()), 'Only while pending'),
      expiresAt: IsoDate,
      locale: Locale,
      draft: z.described(z.optional(DraftSchema), 'Only while pending'),
      email: z.object({
        status: z.enum(EMAIL_STATUSES),
        sentAt: z.optional(IsoDate),
        operationId: z.optional(z.string()),
        error: z.optional(z.string()),
      }),
      createdAt: IsoDate,
      createdBy: actor(),
      acceptedAt: z.optional(IsoDate),
      acceptedBy: z.optional(actor()),
      customerId: z.optional(z.uuid()),
      reminder: z.described(z.optional(z.boolean()), 'A reminder email goes 3 days before expiry (if sent through the service)'),
      access: AccessSchema,
    }),
  { id: 'Invitation' },
);

export const ListInvitationsQuery = z.lazy(() =>
  z.object({
    status: z._default(z.enum([...INVITATION_STATUSES, 'all']), 'all'),
    pageSize: PageSize,
    continuationToken: Continuation,
  }),
);

// Case-insensitive like CustomerParams: an upper-case invitation ID names the same invitation.
export const InvitationParams = z.lazy(() =>
  z.object({
    id: z.pipe(
      z.string().check(z.regex(/^[0-9a-fA-F-]{36}$/)),
      z.transform((v: string) => v.toLowerCase()),
    ),
  }),
);

// ---------- acceptance ----------

export const AcceptParams = z.lazy(() => z.object({ token: z.string().check(z.minLength(1), z.maxLength(512)) }));
export const AcceptBody = z.deferred(() => z.object({ decision: z._default(z.enum(DECISIONS), 'accept') }), { id: 'AcceptRequest' });

// ---------- relationships ----------

export const RelationshipStatus = z.enum(RELATIONSHIP_STATUSES);
const relationship = () =>
  z.object({
    partnerId: z.uuid(),
    customerId: z.uuid(),
    companyName: z.string(),
    domain: z.optional(z.string()),
    role: z.enum(RELATIONSHIP_ROLES),
    status: RelationshipStatus,
    indirectProviderId: z.optional(z.uuid()),
    resellerId: z.optional(z.uuid()),
    delegatedAdmin: DelegatedAdminSchema,
    invitationId: z.string(),
    establishedAt: IsoDate,
    removedAt: z.optional(IsoDate),
    removedBy: z.optional(actor()),
    etag: z.string(),
  });

export const RelationshipSchema = z.deferred(relationship, { id: 'Relationship' });

/** A relationship as the accepting customer sees it (the answer to an acceptance): no partner-internal fields. */
export const AcceptedRelationshipSchema = z.deferred(
  () =>
    z.extend(z.omit(relationship(), { etag: true, removedAt: true, removedBy: true }), {
      delegatedAdmin: z.pick(delegatedAdmin(), { status: true, roles: true, grantedAt: true, endsAt: true, autoExtend: true }),
    }),
  { id: 'AcceptedRelationship' },
);

export const ListRelationshipsQuery = z.lazy(() =>
  z.object({
    status: z._default(z.enum([...RELATIONSHIP_STATUSES, 'all']), 'active'),
    q: z.optional(
      oneLine(z.string().check(z.trim(), z.maxLength(256, 'must be at most 256 characters'))).check(
        // Compatibility forms can grow many times when folded (NFKD): bound what reaches storage.
        z.refine((v) => v.normalize('NFKD').length <= 256, 'must be at most 256 characters once normalised'),
      ),
    ),
    pageSize: PageSize,
    continuationToken: Continuation,
  }),
);

export const CustomerParams = z.lazy(() => z.object({ customerId: Uuid }));

export const RemoveRelationshipBody = z.deferred(
  () =>
    z.strictObject({
      // Any value is read here; the use case answers anything but `true` with the statement quoted.
      attestGoodFaith: z.withMeta(z.optional(z.unknown()), { type: 'boolean', description: `Must be true: ${ATTESTATION_STATEMENT}` }),
      reason: z.optional(oneLine(z.string().check(z.trim(), z.maxLength(500, 'must be at most 500 characters')))),
    }),
  { id: 'RemoveRelationshipRequest' },
);

export const RemovalResultSchema = z.deferred(
  () => z.extend(relationship(), { notice: z.described(z.string(), 'Reminder that the customer was not notified') }),
  { id: 'RemovalResult' },
);

// ---------- audit ----------

export const AuditAction = z.enum(AUDIT_ACTIONS);

export const AuditEventSchema = z.deferred(
  () =>
    z.object({
      id: z.string(),
      at: IsoDate,
      actor: actor(),
      action: AuditAction,
      partnerId: z.uuid(),
      customerId: z.optional(z.uuid()),
      invitationId: z.optional(z.string()),
      details: z.record(z.string(), z.unknown()),
    }),
  { id: 'AuditEvent' },
);

export const ListAuditQuery = z.lazy(() =>
  z.object({
    customerId: z.optional(Uuid),
    pageSize: PageSize,
    continuationToken: Continuation,
  }),
);

// ---------- misc ----------

export const HealthSchema = z.deferred(
  () => z.object({ status: z.literal('ok'), storage: z.literal('ok'), email: z.enum(['configured', 'notConfigured']) }),
  { id: 'Health' },
);

export const ProblemSchema = z.deferred(
  () =>
    z.object({
      type: z.string(),
      title: z.string(),
      status: z.int(),
      detail: z.string(),
      errors: z.optional(z.record(z.string(), z.array(z.string()))),
      requestId: z.optional(z.string()),
    }),
  { id: 'Problem' },
);

export const pageOf = <T extends z.ZodMiniType>(item: T, id: string) =>
  z.deferred(() => z.object({ items: z.array(item), continuationToken: z.optional(z.string()) }), { id });
