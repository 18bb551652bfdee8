/**
 * A stand-in bearer token for the LOCAL runner only: `local.<base64 of the x-ms-client-principal
 * JSON>`. The local runner plays Easy Auth and turns it into the principal headers, as Easy Auth
 * does in Azure after validating a real Entra access token. Azure never accepts it (it is not a
 * JWT), so a portal can keep one code path: `getToken` returns this locally and an Entra access
 * token in Azure.
 */

export interface LocalIdentity {
  /** The user's Entra tenant: a partner's ID, or a customer's tenant. */
  tenantId: string;
  /** The user's object ID (default: derived from the tenant). */
  userId?: string;
  name?: string;
  /** App roles, e.g. `AdminAgent`, `GlobalAdmin`. */
  roles: string[];
}

/** The x-ms-client-principal header value that Easy Auth would set for this identity. */
export function localPrincipal(who: LocalIdentity): string {
  const claims = [
    { typ: 'http://schemas.microsoft.com/identity/claims/tenantid', val: who.tenantId },
    { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: who.userId ?? `user-${who.tenantId.slice(0, 8)}` },
    { typ: 'name', val: who.name ?? `admin@${who.tenantId.slice(0, 8)}.example` },
    ...who.roles.map((r) => ({ typ: 'roles', val: r })),
  ];
  const json = JSON.stringify({ auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims });
  // UTF-8 then base64, in browsers and in Node alike.
  let binary = '';
  for (const byte of new TextEncoder().encode(json)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** `local.<principal>`: pass it as the client's `getToken` when talking to the local runner. */
export function localDevToken(who: LocalIdentity): string {
  return `local.${localPrincipal(who)}`;
}
