/** Relationships (with their name and search index rows) and acceptance step marks over rows. */
import type { Relationship } from '../domain/model';
import type { RelationshipChange, RelationshipStore } from '../domain/ports';
import {
  NAME_INDEX,
  SEARCH_BUCKET_CHARS,
  SEARCH_INDEX,
  acceptanceMarkKey,
  hexPrefix,
  recordOf,
  relationshipKey,
  relationshipOf,
  relationshipWrites,
} from './layout';
import { readOne, type AggregateRows, type Pager } from './pager';
import type { Condition, Rows } from './rows';

export function relationshipRows(rows: Rows, page: Pager): AggregateRows<RelationshipStore, RelationshipChange> {
  return {
    reads: {
      async relationship(partnerId, customerId) {
        return readOne(rows, partnerId, relationshipKey(customerId), (row) => relationshipOf(row));
      },
      relationships(partnerId, filter, request) {
        // Without a search: the name index. With one: the bucket of its first characters, in name
        // order; when the search is longer than a bucket, storage keeps the rows whose folded name
        // or domain starts with it.
        const q = filter.search ?? '';
        const prefix = q ? `${SEARCH_INDEX}${filter.status}|${hexPrefix(q, SEARCH_BUCKET_CHARS)}|` : `${NAME_INDEX}${filter.status}|`;
        const startsWith = (prop: string): Condition[] => [
          { prop, op: 'ge', value: q },
          { prop, op: 'lt', value: `${q}\uffff` },
        ];
        return page(
          partnerId,
          {
            scope: `relationships|${filter.status}|${q}`,
            prefix,
            ...([...q].length > SEARCH_BUCKET_CHARS ? { anyOf: [startsWith('nf'), startsWith('df')] } : {}),
            position: (r) => String(r.data.sk),
            keyOf: (sk) => `${prefix}${sk}`,
          },
          request,
          (r) => recordOf<Relationship>(r),
        );
      },
      async acceptanceStepDone(partnerId, invitationId) {
        return (await rows.get('data', partnerId, acceptanceMarkKey(invitationId))) !== undefined;
      },
    },
    writers: {
      saveRelationship: (c) => ({
        writes: relationshipWrites(c.previous, c.relationship),
        versionKey: relationshipKey(c.relationship.customerId),
      }),
      markAcceptanceStep: (c) => ({
        writes: [
          {
            kind: 'insert',
            rk: acceptanceMarkKey(c.invitationId),
            data: { invitationId: c.invitationId, resellerId: c.resellerId, at: c.at },
          },
        ],
      }),
    },
  };
}
