/** The wire shapes of access requests (src/domain/changeRequest.ts) and of the PATCH that reduces roles. */
import { z } from 'zod';
import { CHANGE_DECISIONS } from '../domain/changeApproval';
import { CHANGE_REQUEST_STATUSES } from '../domain/changeRequest';
import { EMAIL_STATUSES } from '../domain/model';
import { AccessSchema, DraftSchema, IsoDate, Locale, Uuid } from './schemas';

const RoleIds = z.array(z.string().max(64)).max(50);
const ActorSchema = z.object({ id: z.string(), name: z.string(), tenantId: z.string() });

/** Checked further by the use case (known roles, the range of days, no auto-extended Global Administrator). */
export const CreateChangeRequestBody = z
  .strictObject({
    roles: RoleIds.min(1, 'must name at least one role').optional().describe('Role template IDs (default: the roles held now)'),
    duration: z.string().max(16).optional().describe('ISO 8601 days from approval, P1D..P730D (default P730D)'),
    autoExtend: z.boolean().optional().describe('Extend by 180 days at the end (never with Global Administrator)'),
    locale: Locale.optional().describe("The page's and the draft's language (default: the invitation's)"),
  })
  .meta({ id: 'CreateAccessRequest' });

export const ChangeRequestSchema = z
  .object({
    id: z.string(),
    customerId: z.uuid(),
    status: z.enum(CHANGE_REQUEST_STATUSES),
    current: z.object({ roles: z.array(z.string()), endsAt: IsoDate, autoExtend: z.boolean() }),
    requested: AccessSchema,
    added: z.array(z.string()),
    removed: z.array(z.string()),
    kept: z.array(z.string()),
    approvedRoles: z.array(z.string()).optional(),
    url: z.string().optional().describe('Only while pending'),
    draft: DraftSchema.optional().describe('Only while pending'),
    locale: Locale,
    email: z.object({
      status: z.enum(EMAIL_STATUSES),
      sentAt: IsoDate.optional(),
      operationId: z.string().optional(),
      error: z.string().optional(),
    }),
    expiresAt: IsoDate,
    createdAt: IsoDate,
    createdBy: ActorSchema,
    answeredAt: IsoDate.optional(),
    answeredBy: ActorSchema.optional(),
  })
  .meta({ id: 'AccessChangeRequest' });

export const ChangeRequestParams = z.object({
  customerId: Uuid,
  id: z
    .string()
    .regex(/^[0-9a-fA-F-]{36}$/)
    .transform((v) => v.toLowerCase()),
});

export const RequestTokenParams = z.object({ token: z.string().min(1).max(512) });

/** A form sends each checked role as `roles` (and an empty one, so that none checked means none). */
const FormRoles = z
  .union([z.string().max(64), RoleIds])
  .transform((v) => (Array.isArray(v) ? v : [v]).map((r) => r.toLowerCase()).filter((r) => r !== ''));

export const AnswerChangeRequestBody = z
  .object({
    decision: z.enum(CHANGE_DECISIONS).default('approve'),
    roles: FormRoles.optional().describe('The added roles approved (default: all of them)'),
  })
  .meta({ id: 'AnswerAccessRequest' });

export const ChangeAnswerSchema = z
  .object({
    status: z.enum(['approved', 'declined']),
    requestId: z.string(),
    customerId: z.uuid(),
    roles: z.array(z.string()).describe('The delegated admin roles held after the answer'),
    endsAt: IsoDate.optional(),
  })
  .meta({ id: 'AccessRequestAnswer' });

/** PATCH …/delegated-admin: auto-extension, and/or fewer roles (adding one needs an access request). */
export const ChangeDelegatedAdminBody = z
  .strictObject({
    autoExtend: z.boolean().optional(),
    roles: RoleIds.min(1, 'must keep at least one role (to end delegated admin, revoke it)')
      .optional()
      .describe('A subset of the roles held now'),
  })
  .refine((b) => b.autoExtend !== undefined || b.roles !== undefined, { message: 'give autoExtend, roles, or both', path: ['(body)'] })
  .meta({ id: 'ChangeDelegatedAdminRequest' });
