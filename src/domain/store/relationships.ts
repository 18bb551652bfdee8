/** The relationships of a partner, and the marks of the acceptance steps applied in its data. */
import type { Page, PageRequest, Relationship, RelationshipStatus, Versioned } from '../model';

export type RelationshipChange =
  /** Creates the relationship (no `previous`) or replaces `previous` if it is unchanged. */
  | { kind: 'saveRelationship'; relationship: Relationship; previous?: Versioned<Relationship> | undefined }
  /** Records that an invitation's step in this partner's data is applied: at most once. */
  | { kind: 'markAcceptanceStep'; invitationId: string; resellerId: string; at: string };

export interface RelationshipFilter {
  status: RelationshipStatus | 'all';
  /** A prefix of the company name or the domain, already folded (see foldName). */
  search?: string | undefined;
}

export interface RelationshipStore {
  relationship(partnerId: string, customerId: string): Promise<Versioned<Relationship> | undefined>;
  /** By folded company name, then customer ID. */
  relationships(partnerId: string, filter: RelationshipFilter, page: PageRequest): Promise<Page<Relationship>>;
  acceptanceStepDone(partnerId: string, invitationId: string): Promise<boolean>;
}
