/** How domain records look on the wire (the shapes of src/api/schemas.ts). */
import type { Answer } from '../domain/acceptance';
import type { CustomerRelationship, Locale, Page, PageRequest, Relationship } from '../domain/model';
import { roleName } from '../domain/roles';
import { quoteEtag } from './etag';

/** A relationship as the partner sees it: its revision as `etag`, nothing internal. */
export function relationshipView(r: Relationship) {
  const { rev, removalReason: _reason, seq: _seq, ...rest } = r;
  return { ...rest, etag: quoteEtag(rev) };
}

/**
 * A relationship as the customer sees it: its state (a removed one shows as removed), never the
 * partner's internal fields: who removed it, when, why, nor its revision.
 */
export function acceptedRelationshipView(r: Relationship) {
  const { rev: _rev, removalReason: _reason, removedBy: _by, removedAt: _at, seq: _seq, delegatedAdmin: d, ...rest } = r;
  return {
    ...rest,
    delegatedAdmin: { status: d.status, roles: d.roles, grantedAt: d.grantedAt, endsAt: d.endsAt, autoExtend: d.autoExtend },
  };
}

export function acceptResult(answer: Answer) {
  return {
    status: answer.status,
    invitationId: answer.invitation.id,
    ...(answer.status === 'accepted' && answer.invitation.customerId ? { customerId: answer.invitation.customerId } : {}),
    relationships: answer.relationships.map(acceptedRelationshipView),
  };
}

/** A relationship as its customer sees it, the roles also by name in `locale`. */
export function customerRelationshipView(r: CustomerRelationship, locale: Locale) {
  const { seq: _seq, ...rest } = r;
  return { ...rest, delegatedAdmin: { ...r.delegatedAdmin, roleNames: r.delegatedAdmin.roles.map((id) => roleName(id, locale)) } };
}

/** The API's paging fields in the domain's words, and back. */
export const pageRequest = (q: { pageSize: number; continuationToken?: string | undefined }): PageRequest => ({
  pageSize: q.pageSize,
  cursor: q.continuationToken,
});

export function pageView<T, V = T>(page: Page<T>, view: (item: T) => V = (item) => item as unknown as V) {
  return { items: page.items.map(view), ...(page.cursor ? { continuationToken: page.cursor } : {}) };
}
