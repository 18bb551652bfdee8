/** The domain's own types: no SDK, no HTTP. */

export type Role = 'GlobalAdmin' | 'AdminAgent';

/** Who is calling, as App Service Authentication vouches for it. */
export interface Principal {
  tenantId: string;
  userId: string;
  name: string;
  roles: string[];
}

export type PartnerKind = 'reseller' | 'indirectProvider';

export interface Partner {
  id: string;
  name: string;
  kind: PartnerKind;
  indirectProviderIds: string[];
}

export interface Actor {
  id: string;
  name: string;
  tenantId: string;
}

export const actorOf = (p: Principal): Actor => ({ id: p.userId, name: p.name, tenantId: p.tenantId });

/** Partner-side actions need one of these roles. */
export const PARTNER_ROLES: readonly Role[] = ['GlobalAdmin', 'AdminAgent'];
/** Customer-side acceptance needs this role. */
export const CUSTOMER_ADMIN_ROLE: Role = 'GlobalAdmin';

export const hasAnyRole = (p: Principal, roles: readonly string[]): boolean => p.roles.some((r) => roles.includes(r));
