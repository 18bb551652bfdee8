/** The operator's partner records (in each partner's partition), their listing, and the partner directory. */
import type { Partner, PartnerRecord } from '../domain/model';
import type { PartnerChange, PartnerDirectory, PartnerRecords } from '../domain/ports';
import {
  DIRECTORY_PARTITION,
  PARTNER_LISTING,
  PARTNER_RECORD,
  PROFILE,
  partnerListingKey,
  partnerOf,
  partnerRecordData,
  recordOf,
  versioned,
} from './layout';
import { readOne, type AggregateRows, type Pager } from './pager';
import type { Rows, StoredRow } from './rows';

export function partnerRows(rows: Rows, page: Pager): AggregateRows<PartnerRecords, PartnerChange> {
  return {
    reads: {
      async partnerRecord(partnerId) {
        return readOne(rows, partnerId, PARTNER_RECORD, (row) => versioned<PartnerRecord>(row));
      },
      partnerRecords(request) {
        const q = { scope: 'partners', prefix: PARTNER_LISTING, position: (r: StoredRow) => r.rk, keyOf: (p: string) => p };
        return page(DIRECTORY_PARTITION, q, request, (r) => recordOf<PartnerRecord>(r));
      },
      async writePartnerListing(p) {
        await rows.commit('data', DIRECTORY_PARTITION, [{ kind: 'put', rk: partnerListingKey(p.id), data: partnerRecordData(p) }]);
      },
    },
    writers: {
      savePartner: (c) => ({
        writes: [
          c.version === undefined
            ? { kind: 'insert', rk: PARTNER_RECORD, data: partnerRecordData(c.partner) }
            : { kind: 'replace', rk: PARTNER_RECORD, data: partnerRecordData(c.partner), etag: c.version },
        ],
        versionKey: PARTNER_RECORD,
      }),
    },
  };
}

export class RowPartnerDirectory implements PartnerDirectory {
  constructor(readonly rows: Rows) {}

  /** The partner's record; else its entry of before the operator API (one more read, for unknown tenants only). */
  async partner(id: string): Promise<Partner | undefined> {
    const record = await this.rows.get('data', id, PARTNER_RECORD);
    if (record) {
      const { name, kind, indirectProviderIds, status } = recordOf<PartnerRecord>(record);
      return { id, name, kind, indirectProviderIds, status };
    }
    const row = await this.rows.get('partners', id, PROFILE);
    return row ? partnerOf(row) : undefined;
  }
}
