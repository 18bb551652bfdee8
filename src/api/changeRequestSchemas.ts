/** The wire shapes of access requests (src/domain/changeRequest.ts) and of the PATCH that reduces roles. */
import * as z from '../zod';
import { CHANGE_DECISIONS } from '../domain/changeApproval';
import { CHANGE_REQUEST_STATUSES } from '../domain/changeRequest';
import { EMAIL_STATUSES } from '../domain/model';
import { AccessSchema, actor, DraftSchema, IsoDate, Locale, Uuid } from './schemas';

const RoleId = () => z.string().check(z.maxLength(64));
const RoleIds = (min: string) => z.array(RoleId()).check(z.minLength(1, min), z.maxLength(50));

/** Checked further by the use case (known roles, the range of days, no auto-extended Global Administrator). */
export const CreateChangeRequestBody = z.deferred(
  () =>
    z.strictObject({
      roles: z.described(z.optional(RoleIds('must name at least one role')), 'Role template IDs (default: the roles held now)'),
      duration: z.described(z.optional(z.string().check(z.maxLength(16))), 'ISO 8601 days from approval, P1D..P730D (default P730D)'),
      autoExtend: z.described(z.optional(z.boolean()), 'Extend by 180 days at the end (never with Global Administrator)'),
      locale: z.described(z.optional(Locale), "The page's and the draft's language (default: the invitation's)"),
    }),
  { id: 'CreateAccessRequest' },
);

export const ChangeRequestSchema = z.deferred(
  () =>
    z.object({
      id: z.string(),
      customerId: z.uuid(),
      status: z.enum(CHANGE_REQUEST_STATUSES),
      current: z.object({ roles: z.array(z.string()), endsAt: IsoDate, autoExtend: z.boolean() }),
      requested: AccessSchema,
      added: z.array(z.string()),
      removed: z.array(z.string()),
      kept: z.array(z.string()),
      approvedRoles: z.optional(z.array(z.string())),
      url: z.described(z.optional(z.string()), 'Only while pending'),
      draft: z.described(z.optional(DraftSchema), 'Only while pending'),
      locale: Locale,
      email: z.object({
        status: z.enum(EMAIL_STATUSES),
        sentAt: z.optional(IsoDate),
        operationId: z.optional(z.string()),
        error: z.optional(z.string()),
      }),
      expiresAt: IsoDate,
      createdAt: IsoDate,
      createdBy: actor(),
      answeredAt: z.optional(IsoDate),
      answeredBy: z.optional(actor()),
    }),
  { id: 'AccessChangeRequest' },
);

export const ChangeRequestParams = z.lazy(() =>
  z.object({
    customerId: Uuid,
    id: z.pipe(
      z.string().check(z.regex(/^[0-9a-fA-F-]{36}$/)),
      z.transform((v: string) => v.toLowerCase()),
    ),
  }),
);

export const RequestTokenParams = z.lazy(() => z.object({ token: z.string().check(z.minLength(1), z.maxLength(512)) }));

/** A form sends each checked role as `roles` (and an empty one, so that none checked means none). */
const formRoles = () =>
  z.pipe(
    z.union([RoleId(), z.array(RoleId()).check(z.maxLength(50))]),
    z.transform((v: string | string[]) => (Array.isArray(v) ? v : [v]).map((r) => r.toLowerCase()).filter((r) => r !== '')),
  );

export const AnswerChangeRequestBody = z.deferred(
  () =>
    z.object({
      decision: z._default(z.enum(CHANGE_DECISIONS), 'approve'),
      roles: z.described(z.optional(formRoles()), 'The added roles approved (default: all of them)'),
    }),
  { id: 'AnswerAccessRequest' },
);

export const ChangeAnswerSchema = z.deferred(
  () =>
    z.object({
      status: z.enum(['approved', 'declined']),
      requestId: z.string(),
      customerId: z.uuid(),
      roles: z.described(z.array(z.string()), 'The delegated admin roles held after the answer'),
      endsAt: z.optional(IsoDate),
    }),
  { id: 'AccessRequestAnswer' },
);

/** PATCH …/delegated-admin: auto-extension, and/or fewer roles (adding one needs an access request). */
export const ChangeDelegatedAdminBody = z.deferred(
  () =>
    z
      .strictObject({
        autoExtend: z.optional(z.boolean()),
        roles: z.described(
          z.optional(RoleIds('must keep at least one role (to end delegated admin, revoke it)')),
          'A subset of the roles held now',
        ),
      })
      .check(
        z.refine((b) => b.autoExtend !== undefined || b.roles !== undefined, {
          message: 'give autoExtend, roles, or both',
          path: ['(body)'],
        }),
      ),
  { id: 'ChangeDelegatedAdminRequest' },
);
