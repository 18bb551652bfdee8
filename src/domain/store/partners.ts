/** The operator's records of partners (each in the partner's own data) and their listing. */
import type { Page, PageRequest, PartnerRecord, Versioned } from '../model';

export type PartnerChange =
  /** The partner's record (commit under the partner's own ID): created (no `version`) or replaced if still at `version`. */
  { kind: 'savePartner'; partner: PartnerRecord; version?: string | undefined };

export interface PartnerRecords {
  /** The operator's record of a partner, with the version that guards its next change. */
  partnerRecord(partnerId: string): Promise<Versioned<PartnerRecord> | undefined>;
  /** Enrolled partners by ID: the operator's listing (see writePartnerListing). */
  partnerRecords(page: PageRequest): Promise<Page<PartnerRecord>>;
  /**
   * Writes the listing entry of a committed record (derived, idempotent: written again on every
   * PUT, so a PUT retried after a failure here repairs it).
   */
  writePartnerListing(partner: PartnerRecord): Promise<void>;
}
