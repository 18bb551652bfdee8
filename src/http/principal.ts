/**
 * Reads the App Service Authentication (Easy Auth) headers into a Principal. Missing, garbage
 * or partial principals are 401, never a crash: `request.user` of @azure/functions throws when
 * the -id/-name/-idp headers are absent, so this parses the header itself.
 */
import * as z from '../zod';
import { unauthorized } from '../domain/errors';
import type { Principal } from '../domain/model';
import { displayName, singleLineProblem } from '../domain/text';

export const PRINCIPAL_HEADER = 'x-ms-client-principal';

const TENANT_CLAIMS = ['http://schemas.microsoft.com/identity/claims/tenantid', 'tid'];
const OBJECT_ID_CLAIMS = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid'];
const ROLE_CLAIMS = ['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];
const NAME_CLAIMS = ['name', 'preferred_username', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'];

/** The role template ID of Microsoft Entra's built-in Global Administrator role. */
export const GLOBAL_ADMINISTRATOR_TEMPLATE_ID = '62e90394-69f5-4237-9190-012177145e10';

const claimsPrincipal = z.object({
  auth_typ: z.optional(z.string()),
  name_typ: z.optional(z.string()),
  role_typ: z.optional(z.string()),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })).check(z.maxLength(500)),
});

const uuid = z.uuid();

/** The tenant ID rule of the parser (the local sign-in form checks it too). */
export const isTenantId = (value: string): boolean => uuid.safeParse(value).success;

/** Returns the principal, undefined when no principal header is present, or throws 401. */
export function readPrincipal(headers: { get(name: string): string | null }): Principal | undefined {
  const raw = headers.get(PRINCIPAL_HEADER);
  if (raw === null || raw.trim() === '') return undefined;
  if (raw.length > 32 * 1024) throw unauthorized('The client principal header is too large.');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
  } catch {
    throw unauthorized('The client principal header is not valid base64 JSON.');
  }
  const parsed = claimsPrincipal.safeParse(json);
  if (!parsed.success) throw unauthorized('The client principal has no valid claims.');
  const { claims, role_typ, name_typ } = parsed.data;
  const first = (types: string[]) => claims.find((c) => types.includes(c.typ))?.val;

  const tenantId = first(TENANT_CLAIMS)?.toLowerCase();
  if (!tenantId || !uuid.safeParse(tenantId).success) throw unauthorized('The client principal has no tenant ID claim.');
  const userId = first(OBJECT_ID_CLAIMS) ?? headers.get('x-ms-client-principal-id') ?? '';
  if (!userId) throw unauthorized('The client principal has no object ID claim.');
  // An object ID is an identifier (a GUID in Entra ID): one with control or invisible characters
  // is forged, and cleaning it could make two users one. docs/decisions.md, "Characters in text".
  if (singleLineProblem(userId)) throw unauthorized('The client principal has an object ID with control or invisible characters.');

  // Easy Auth's role_typ is the long .NET role type, but the app roles of a v2.0 token arrive as
  // short `roles` claims (its default claim mapping leaves them as they are): both forms count.
  const roleTypes = new Set([...ROLE_CLAIMS, ...(role_typ ? [role_typ] : [])]);
  const roles = [...new Set(claims.filter((c) => roleTypes.has(c.typ)).map((c) => c.val))];
  // A tenant's own Global Administrator (directory role, `wids` claim) counts as GlobalAdmin,
  // so a customer's admin needs no app role assignment in the customer tenant.
  if (claims.some((c) => c.typ === 'wids' && c.val.toLowerCase() === GLOBAL_ADMINISTRATOR_TEMPLATE_ID) && !roles.includes('GlobalAdmin')) {
    roles.push('GlobalAdmin');
  }
  const claimed = first(name_typ ? [name_typ, ...NAME_CLAIMS] : NAME_CLAIMS) ?? headers.get('x-ms-client-principal-name') ?? '';
  // A display name is the directory's, not the caller's to fix: cleaned for display and storage.
  const id = Array.from(userId).slice(0, 128).join(''); // whole code points: never half a surrogate pair
  return { tenantId, userId: id, name: displayName(claimed, 256) || id, roles };
}

export function requirePrincipal(headers: { get(name: string): string | null }): Principal {
  const p = readPrincipal(headers);
  if (!p) throw unauthorized('Sign in first: this operation needs an authenticated user.');
  return p;
}

/** Builds the header value (the local runner's sign-in form and the tests use it). */
export function encodePrincipal(p: { tenantId: string; userId: string; name: string; roles: string[] }): string {
  const claims = [
    { typ: TENANT_CLAIMS[0]!, val: p.tenantId },
    { typ: OBJECT_ID_CLAIMS[0]!, val: p.userId },
    { typ: 'name', val: p.name },
    ...p.roles.map((r) => ({ typ: 'roles', val: r })),
  ];
  return Buffer.from(JSON.stringify({ auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims })).toString('base64');
}
