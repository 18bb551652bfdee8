/** Who may do what: the role checks live here and nowhere else. */
import { forbidden } from './errors';
import { CUSTOMER_ADMIN_ROLE, OPERATOR_ROLE, PARTNER_ROLES, hasAnyRole, type Partner, type Principal } from './model';
import { findPartner, isSuspended } from './partners';
import type { Deps } from './ports';

/** The caller must hold a partner role and belong to an enrolled partner (else forbidden). */
export async function authorizePartner(deps: Pick<Deps, 'directory'>, principal: Principal): Promise<Partner> {
  if (!hasAnyRole(principal, PARTNER_ROLES)) {
    throw forbidden(`Only a partner's ${PARTNER_ROLES.join(' or ')} may do this.`, 'role-required');
  }
  const partner = await findPartner(deps.directory, principal.tenantId);
  if (!partner)
    throw forbidden(
      'Your organisation is not an enrolled partner. Ask the operator to enrol it (locally: npm run seed -- FILE.json).',
      'partner-not-enrolled',
    );
  if (isSuspended(partner))
    throw forbidden('Your organisation is suspended as a partner; the operator can reactivate it.', 'partner-suspended');
  return partner;
}

/** The operator API: the `Operator` role in the operator's own tenant (OPERATOR_TENANT_ID). */
export function authorizeOperator(deps: Pick<Deps, 'settings'>, principal: Principal): void {
  const operatorTenant = deps.settings.operatorTenantId;
  if (!operatorTenant) {
    throw forbidden('The operator API is not configured on this service: set OPERATOR_TENANT_ID.', 'operator-not-configured');
  }
  if (principal.tenantId !== operatorTenant.toLowerCase() || !hasAnyRole(principal, [OPERATOR_ROLE])) {
    throw forbidden(`Only holders of the ${OPERATOR_ROLE} role in the operator's tenant may do this.`, 'operator-required');
  }
}

/** Only the customer tenant's global admin may accept or decline an invitation (or see and change its partners' access). */
export function authorizeCustomerAdmin(principal: Principal, what = 'accept or decline an invitation'): void {
  if (!hasAnyRole(principal, [CUSTOMER_ADMIN_ROLE])) {
    throw forbidden(`Only the customer's global admin (${CUSTOMER_ADMIN_ROLE}) can ${what}.`, 'role-required');
  }
}
