/**
 * Relationships: how an acceptance establishes one, the listing by name with prefix search, and
 * removal with the good-faith attestation.
 */
import { randomBytes } from 'node:crypto';
import { auditEvent, recordAudit } from './audit';
import { badRequest, notFound, preconditionFailed } from './errors';
import {
  actorOf,
  foldName,
  type Actor,
  type Page,
  type PageRequest,
  type Partner,
  type Principal,
  type Relationship,
  type Versioned,
} from './model';
import type { Change, Deps } from './ports';
import { retryOnConflict } from './retry';
import { commitRelationships, type CustomerSideDeps } from './customerSide';
import { accessOf, grantOf } from './grant';
import type { DelegatedAccess } from './model';

export const ATTESTATION_STATEMENT =
  'I attest that this decision to remove the reseller relationship was made in good faith, for a legitimate business purpose and in line with our agreement with the customer.';

export const REMOVAL_NOTICE =
  'No notice was sent to the customer. Your agreement with the customer may require you to tell them that the relationship and your delegated admin privileges have ended.';

export const newRev = () => randomBytes(12).toString('base64url');

export const saveRelationship = (relationship: Relationship, previous?: Versioned<Relationship>): Change => ({
  kind: 'saveRelationship',
  relationship,
  previous,
});

export interface EstablishInput {
  partnerId: string;
  customerId: string;
  companyName: string;
  domain?: string | undefined;
  role: Relationship['role'];
  indirectProviderId?: string | undefined;
  resellerId?: string | undefined;
  invitationId: string;
  actor: Actor;
  /** The delegated admin roles and duration the invitation asked for (default: the readers, two years). */
  access?: DelegatedAccess | undefined;
}

/**
 * The relationship an acceptance leads to, and its changes: a new one, a removed one made
 * active again (delegated admin granted again, a new establishedAt), or an active one left as
 * it is (no changes).
 */
export function establish(
  before: Versioned<Relationship> | undefined,
  input: EstablishInput,
  now: Date,
): { relationship: Relationship; changes: Change[] } {
  if (before?.value.status === 'active') return { relationship: before.value, changes: [] };
  const at = now.toISOString();
  const relationship: Relationship = {
    partnerId: input.partnerId,
    customerId: input.customerId,
    companyName: input.companyName,
    ...(input.domain ? { domain: input.domain } : {}),
    role: input.role,
    status: 'active',
    ...(input.indirectProviderId ? { indirectProviderId: input.indirectProviderId } : {}),
    ...(input.resellerId ? { resellerId: input.resellerId } : {}),
    delegatedAdmin: grantOf(input.access ?? accessOf({}), now),
    invitationId: input.invitationId,
    establishedAt: at,
    rev: newRev(),
  };
  const event = auditEvent(input.partnerId, 'relationship.established', input.actor, now, {
    customerId: input.customerId,
    invitationId: input.invitationId,
    details: {
      role: input.role,
      delegatedAdmin: 'granted',
      roles: relationship.delegatedAdmin.roles,
      endsAt: relationship.delegatedAdmin.endsAt,
      autoExtend: relationship.delegatedAdmin.autoExtend,
      reactivated: before !== undefined,
    },
  });
  return { relationship, changes: [saveRelationship(relationship, before), recordAudit(event)] };
}

// ---------------------------------------------------------------- reading

export interface ListQuery extends PageRequest {
  status: 'active' | 'removed' | 'all';
  q?: string | undefined;
}

export function listRelationships(deps: Pick<Deps, 'store'>, partner: Partner, query: ListQuery): Promise<Page<Relationship>> {
  const search = query.q ? foldName(query.q) : '';
  return deps.store.relationships(partner.id, { status: query.status, ...(search ? { search } : {}) }, query);
}

export async function getRelationship(deps: Pick<Deps, 'store'>, partner: Partner, customerId: string): Promise<Relationship> {
  const found = await deps.store.relationship(partner.id, customerId);
  if (!found) throw notFound(`No relationship with customer ${customerId}.`);
  return found.value;
}

// ---------------------------------------------------------------- removal

/** The revisions the caller expects (If-Match), or '*' for any. */
export type Expected = string[] | '*' | undefined;

export async function removeRelationship(
  deps: CustomerSideDeps,
  partner: Partner,
  principal: Principal,
  customerId: string,
  body: { attestGoodFaith?: unknown; reason?: string | undefined },
  expected: Expected,
): Promise<Relationship> {
  if (body.attestGoodFaith !== true) {
    throw badRequest(
      `Attest the removal: ${ATTESTATION_STATEMENT}`,
      { attestGoodFaith: [`must be true: ${ATTESTATION_STATEMENT}`] },
      'attestation-required',
    );
  }
  return retryOnConflict(async () => {
    const current = await deps.store.relationship(partner.id, customerId);
    if (!current) throw notFound(`No relationship with customer ${customerId}.`);
    const r = current.value;
    // Removing again returns it as it is, whatever the If-Match: a retried removal succeeds.
    if (r.status === 'removed') return r;
    if (expected && expected !== '*' && !expected.includes(r.rev)) {
      throw preconditionFailed(`The relationship has changed (its ETag is now "${r.rev}"); read it again before removing it.`);
    }
    const now = deps.clock.now();
    const at = now.toISOString();
    const actor = actorOf(principal);
    const removed: Relationship = {
      ...r,
      status: 'removed',
      delegatedAdmin:
        r.delegatedAdmin.status === 'granted'
          ? { ...r.delegatedAdmin, status: 'revoked', revokedAt: at, revokedBy: { ...actor, party: 'partner' } }
          : r.delegatedAdmin,
      removedAt: at,
      removedBy: actor,
      ...(body.reason ? { removalReason: body.reason } : {}),
      rev: newRev(),
    };
    const event = auditEvent(partner.id, 'relationship.removed', actor, now, {
      customerId,
      invitationId: r.invitationId,
      details: {
        attestation: ATTESTATION_STATEMENT,
        ...(body.reason ? { reason: body.reason } : {}),
        delegatedAdmin: 'revoked',
        customerNotified: false,
      },
    });
    await commitRelationships(deps, partner.id, [saveRelationship(removed, current), recordAudit(event)]);
    return removed;
  });
}
