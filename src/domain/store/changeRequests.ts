/** A partner's access requests (src/domain/changeRequest.ts), beside the relationships they change. */
import type { ChangeRequest } from '../changeRequest';
import type { Page, PageRequest, Versioned } from '../model';

/** Changes of the partner's commit that write access requests (src/storage/changeRequestRows.ts). */
export type ChangeRequestChange =
  /** Creates the request (no `version`) or replaces it if it is still at `version`. */
  | { kind: 'saveChangeRequest'; request: ChangeRequest; version?: string | undefined }
  /**
   * Marks `requestId` as the relationship's latest request: created (no `version`) or replaced if
   * still at `version`. Two requests racing for one relationship cannot both become pending.
   */
  | { kind: 'markLatestChangeRequest'; customerId: string; requestId: string; version?: string | undefined };

/** The access requests of partners' relationships, in the domain's words. */
export interface ChangeRequestStore {
  changeRequest(partnerId: string, customerId: string, id: string): Promise<Versioned<ChangeRequest> | undefined>;
  /** The relationship's latest request's ID, with the version that guards the next one. */
  latestChangeRequest(partnerId: string, customerId: string): Promise<Versioned<string> | undefined>;
  /** A relationship's requests, newest first. */
  changeRequests(partnerId: string, customerId: string, page: PageRequest): Promise<Page<ChangeRequest>>;
}
