/**
 * The domain's PartnerStore and PartnerDirectory over rows (Azure Table Storage or memory): the
 * layout of layout.ts, one pager for every listing, and one commit per partner partition.
 */
import type { AuditEvent, Invitation, Page, PageRequest, Partner, PartnerRecord, Relationship, Versioned } from '../domain/model';
import type {
  Change,
  CreationRecord,
  EventMessage,
  EventQueue,
  FollowUp,
  InvitationFilter,
  PartnerDirectory,
  PartnerStore,
  RelationshipFilter,
} from '../domain/ports';
import { eventIdPrefix, eventsOf, type CloudEvent } from '../domain/events';
import { ANNOUNCE_DELAY_SECONDS } from '../domain/delivery';
import type { Delivery, DeliveryStatus, Webhook } from '../domain/webhooks';
import { decodeCursor, encodeCursor } from './cursor';
import {
  AUDIT,
  AUDIT_BY_CUSTOMER,
  AUDIT_BY_INVITATION,
  DIRECTORY_PARTITION,
  DELIVERY,
  EVENT,
  WEBHOOK,
  deliveryKey,
  eventKey,
  INVITATION,
  PARTNER_LISTING,
  PARTNER_RECORD,
  NAME_INDEX,
  PROFILE,
  SEARCH_BUCKET_CHARS,
  SEARCH_INDEX,
  acceptanceMarkKey,
  auditMirrorWrite,
  auditWrites,
  hexPrefix,
  idempotencyKeyKey,
  invitationData,
  invitationKey,
  invitationOf,
  partnerListingKey,
  partnerOf,
  partnerRecordData,
  prefixEnd,
  recordOf,
  versioned,
  relationshipKey,
  relationshipOf,
  relationshipWrites,
  sendCounterKey,
} from './layout';
import type { Condition, Rows, StoredRow, WriteOp } from './rows';

interface PageQuery {
  /** What the cursor is bound to: a cursor of another listing or filter is refused. */
  scope: string;
  /** The key range read, in order. */
  prefix: string;
  where?: Condition[];
  anyOf?: Condition[][];
  /** A narrower range than the prefix: from (inclusive), to (exclusive). */
  from?: string;
  to?: string;
  /** The position a row continues from (its row key, or its sort key within the prefix). */
  position: (row: StoredRow) => string;
  /** The row key of a position. */
  keyOf: (position: string) => string;
}

export class RowPartnerStore implements PartnerStore {
  constructor(
    readonly rows: Rows,
    /** Signs cursors. */
    private readonly cursorKey: string,
    /** Where commits announce their events (absent: events are recorded, nobody is told). */
    private readonly queue?: EventQueue,
  ) {}

  /** The one pager: one range read of pageSize + 1 rows, and a signed cursor when more follow. */
  private async page<T>(partnerId: string, q: PageQuery, request: PageRequest, map: (row: StoredRow) => T): Promise<Page<T>> {
    const scope = `${q.scope}|${partnerId}`;
    const after = decodeCursor(this.cursorKey, scope, request.cursor);
    const rows = await this.rows.range('data', partnerId, {
      from: after !== undefined ? `${q.keyOf(after)}\u0000` : (q.from ?? q.prefix),
      to: q.to ?? prefixEnd(q.prefix),
      ...(q.where ? { where: q.where } : {}),
      ...(q.anyOf ? { anyOf: q.anyOf } : {}),
      limit: request.pageSize + 1,
    });
    const page = rows.slice(0, request.pageSize);
    const last = page.at(-1);
    const items = page.map(map);
    return rows.length > request.pageSize && last ? { items, cursor: encodeCursor(this.cursorKey, scope, q.position(last)) } : { items };
  }

  async invitation(partnerId: string, invitationId: string): Promise<Versioned<Invitation> | undefined> {
    const row = await this.rows.get('data', partnerId, invitationKey(invitationId));
    return row ? invitationOf(row) : undefined;
  }

  async relationship(partnerId: string, customerId: string): Promise<Versioned<Relationship> | undefined> {
    const row = await this.rows.get('data', partnerId, relationshipKey(customerId));
    return row ? relationshipOf(row) : undefined;
  }

  async acceptanceStepDone(partnerId: string, invitationId: string): Promise<boolean> {
    return (await this.rows.get('data', partnerId, acceptanceMarkKey(invitationId))) !== undefined;
  }

  async sendsOn(partnerId: string, day: string): Promise<Versioned<number> | undefined> {
    const row = await this.rows.get('data', partnerId, sendCounterKey(day));
    return row ? { value: Number(row.data.count ?? 0), version: row.etag } : undefined;
  }

  async creationRecord(partnerId: string, keyHash: string): Promise<Versioned<CreationRecord> | undefined> {
    const row = await this.rows.get('data', partnerId, idempotencyKeyKey(keyHash));
    return row ? versioned<CreationRecord>(row) : undefined;
  }

  invitations(partnerId: string, filter: InvitationFilter, request: PageRequest): Promise<Page<Invitation>> {
    const now = filter.now.toISOString();
    const where: Condition[] = [];
    switch (filter.status) {
      case 'all':
        break;
      case 'pending':
        where.push({ prop: 'status', op: 'eq', value: 'pending' }, { prop: 'expiresAt', op: 'ge', value: now });
        break;
      case 'expired':
        // Stored as expired, or still pending past its expiry.
        where.push(
          { prop: 'expiresAt', op: 'lt', value: now },
          { prop: 'status', op: 'ne', value: 'accepted' },
          { prop: 'status', op: 'ne', value: 'declined' },
          { prop: 'status', op: 'ne', value: 'revoked' },
        );
        break;
      default:
        where.push({ prop: 'status', op: 'eq', value: filter.status });
    }
    return this.page(
      partnerId,
      { scope: `invitations|${filter.status}`, prefix: INVITATION, where, position: (r) => r.rk, keyOf: (p) => p },
      request,
      (r) => invitationOf(r).value,
    );
  }

  relationships(partnerId: string, filter: RelationshipFilter, request: PageRequest): Promise<Page<Relationship>> {
    // Without a search: the name index. With one: the bucket of its first characters, in name
    // order; when the search is longer than a bucket, storage keeps the rows whose folded name
    // or domain starts with it.
    const q = filter.search ?? '';
    const prefix = q ? `${SEARCH_INDEX}${filter.status}|${hexPrefix(q, SEARCH_BUCKET_CHARS)}|` : `${NAME_INDEX}${filter.status}|`;
    const startsWith = (prop: string): Condition[] => [
      { prop, op: 'ge', value: q },
      { prop, op: 'lt', value: `${q}\uffff` },
    ];
    return this.page(
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
  }

  auditEvents(partnerId: string, filter: { customerId?: string | undefined }, request: PageRequest): Promise<Page<AuditEvent>> {
    const prefix = filter.customerId ? `${AUDIT_BY_CUSTOMER}${filter.customerId}|` : AUDIT;
    return this.page(partnerId, { scope: `audit|${prefix}`, prefix, position: (r) => r.rk, keyOf: (p) => p }, request, (r) =>
      recordOf<AuditEvent>(r),
    );
  }

  async invitationEvents(partnerId: string, invitationId: string, limit: number): Promise<AuditEvent[]> {
    const prefix = `${AUDIT_BY_INVITATION}${invitationId}|`;
    const rows = await this.rows.range('data', partnerId, { from: prefix, to: prefixEnd(prefix), limit });
    return rows.map((r) => recordOf<AuditEvent>(r));
  }

  async partnerRecord(partnerId: string): Promise<Versioned<PartnerRecord> | undefined> {
    const row = await this.rows.get('data', partnerId, PARTNER_RECORD);
    return row ? versioned<PartnerRecord>(row) : undefined;
  }

  partnerList(request: PageRequest): Promise<Page<PartnerRecord>> {
    const q = { scope: 'partners', prefix: PARTNER_LISTING, position: (r: StoredRow) => r.rk, keyOf: (p: string) => p };
    return this.page(DIRECTORY_PARTITION, q, request, (r) => recordOf<PartnerRecord>(r));
  }

  async listPartner(p: PartnerRecord): Promise<void> {
    await this.rows.commit('data', DIRECTORY_PARTITION, [{ kind: 'put', rk: partnerListingKey(p.id), data: partnerRecordData(p) }]);
  }

  /**
   * The outbox: the commit's events (its own and one per audit event, src/domain/events.ts) are
   * written with it, and announced on the queue around it: BEFORE the commit with a delay (so a
   * process dying after the commit loses no delivery and no customer step, and nothing ever scans
   * for events), made visible AFTER it, marked `settled` (the commit is made), unawaited (or
   * withdrawn when it failed). With `follow`, the announcement carries what the customers' side
   * owes, and its release is handed to `follow.hold` (it waits for the customer step).
   */
  async commit(partnerId: string, changes: Change[], follow?: FollowUp): Promise<(string | undefined)[]> {
    const events = eventsOf(partnerId, changes);
    const message: EventMessage = { partnerId, eventIds: events.map((e) => e.id), ...(follow ? { owed: follow.owed } : {}) };
    const queue = events.length > 0 ? this.queue : undefined;
    const announced = queue ? await queue.send(message, ANNOUNCE_DELAY_SECONDS) : undefined;
    let versions: (string | undefined)[];
    try {
      versions = await this.apply(partnerId, changes, events);
    } catch (err) {
      if (announced) await queue?.withdraw(announced).catch(() => undefined);
      throw err;
    }
    if (announced && queue) {
      // The request path waits for one queue round trip, the send: if the release is lost, the
      // announcement still comes after its delay (not settled: the worker checks everything).
      const release = (settled: boolean) => queue.release(announced, settled ? { ...message, settled: true } : undefined);
      if (follow) follow.hold(release);
      else void release(true).catch(() => undefined);
    }
    return versions;
  }

  private async apply(partnerId: string, changes: Change[], events: CloudEvent[]): Promise<(string | undefined)[]> {
    const writes: WriteOp[] = [];
    /** The row key whose new etag is each change's version. */
    const versionKeys: (string | undefined)[] = [];
    for (const c of changes) {
      switch (c.kind) {
        case 'createInvitation':
          writes.push({ kind: 'insert', rk: invitationKey(c.invitation.id), data: invitationData(c.invitation) });
          versionKeys.push(invitationKey(c.invitation.id));
          break;
        case 'updateInvitation':
          writes.push({ kind: 'replace', rk: invitationKey(c.invitation.id), data: invitationData(c.invitation), etag: c.version });
          versionKeys.push(invitationKey(c.invitation.id));
          break;
        case 'saveRelationship':
          writes.push(...relationshipWrites(c.previous, c.relationship));
          versionKeys.push(relationshipKey(c.relationship.customerId));
          break;
        case 'recordAudit':
          writes.push(...auditWrites(c.event));
          versionKeys.push(undefined);
          break;
        case 'markAcceptanceStep':
          writes.push({
            kind: 'insert',
            rk: acceptanceMarkKey(c.invitationId),
            data: { invitationId: c.invitationId, resellerId: c.resellerId, at: c.at },
          });
          versionKeys.push(undefined);
          break;
        case 'countSends': {
          const rk = sendCounterKey(c.day);
          const data = { count: c.count, day: c.day };
          writes.push(c.version ? { kind: 'replace', rk, data, etag: c.version } : { kind: 'insert', rk, data });
          versionKeys.push(rk);
          break;
        }
        case 'rememberCreation': {
          const rk = idempotencyKeyKey(c.record.keyHash);
          const data = { doc: JSON.stringify(c.record), at: c.record.at };
          writes.push(c.version ? { kind: 'replace', rk, data, etag: c.version } : { kind: 'insert', rk, data });
          versionKeys.push(rk);
          break;
        }
        case 'savePartner':
          writes.push(
            c.version === undefined
              ? { kind: 'insert', rk: PARTNER_RECORD, data: partnerRecordData(c.partner) }
              : { kind: 'replace', rk: PARTNER_RECORD, data: partnerRecordData(c.partner), etag: c.version },
          );
          versionKeys.push(PARTNER_RECORD);
          break;
        case 'mirrorAuditForCustomer':
          writes.push(auditMirrorWrite(c.event, c.customerId));
          versionKeys.push(undefined);
          break;
        case 'recordEvent':
          versionKeys.push(undefined);
          break;
        case 'saveWebhook':
          writes.push(
            c.version
              ? { kind: 'replace', rk: WEBHOOK, data: { doc: JSON.stringify(c.webhook) }, etag: c.version }
              : { kind: 'insert', rk: WEBHOOK, data: { doc: JSON.stringify(c.webhook) } },
          );
          versionKeys.push(WEBHOOK);
          break;
        case 'deleteWebhook':
          writes.push({ kind: 'delete', rk: WEBHOOK });
          versionKeys.push(undefined);
          break;
        case 'saveDelivery': {
          const rk = deliveryKey(c.delivery.eventId);
          const data = { doc: JSON.stringify(c.delivery), status: c.delivery.status };
          writes.push(c.version ? { kind: 'replace', rk, data, etag: c.version } : { kind: 'insert', rk, data });
          versionKeys.push(rk);
          break;
        }
      }
    }
    // Inserted, never upserted: an event id is written once.
    for (const e of events) writes.push({ kind: 'insert', rk: eventKey(e.id), data: { doc: JSON.stringify(e), type: e.type } });
    const etags = await this.rows.commit('data', partnerId, writes);
    return versionKeys.map((k) => (k === undefined ? undefined : etags.get(k)));
  }

  ping(): Promise<void> {
    return this.rows.ping();
  }

  async event(partnerId: string, eventId: string): Promise<CloudEvent | undefined> {
    const row = await this.rows.get('data', partnerId, eventKey(eventId));
    return row ? recordOf<CloudEvent>(row) : undefined;
  }

  events(partnerId: string, filter: { after?: string | undefined; settledBefore: Date }, request: PageRequest): Promise<Page<CloudEvent>> {
    // Ids are time-ordered: the first id of the settle time bounds the range.
    const to = eventKey(eventIdPrefix(filter.settledBefore.getTime()));
    return this.page(
      partnerId,
      {
        scope: `events|${filter.after ?? ''}`,
        prefix: EVENT,
        from: filter.after ? `${eventKey(filter.after)}\u0000` : EVENT,
        to,
        position: (r) => r.rk,
        keyOf: (p) => p,
      },
      request,
      (r) => recordOf<CloudEvent>(r),
    );
  }

  async webhook(partnerId: string): Promise<Versioned<Webhook> | undefined> {
    const row = await this.rows.get('data', partnerId, WEBHOOK);
    return row ? versioned<Webhook>(row) : undefined;
  }

  async delivery(partnerId: string, eventId: string): Promise<Versioned<Delivery> | undefined> {
    const row = await this.rows.get('data', partnerId, deliveryKey(eventId));
    return row ? versioned<Delivery>(row) : undefined;
  }

  deliveries(partnerId: string, filter: { status: DeliveryStatus | 'all' }, request: PageRequest): Promise<Page<Delivery>> {
    return this.page(
      partnerId,
      {
        scope: `deliveries|${filter.status}`,
        prefix: DELIVERY,
        ...(filter.status !== 'all' ? { where: [{ prop: 'status', op: 'eq' as const, value: filter.status }] } : {}),
        position: (r) => r.rk,
        keyOf: (p) => p,
      },
      request,
      (r) => recordOf<Delivery>(r),
    );
  }
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
