/**
 * Events (the outbox): every state change is also an event, a CloudEvent 1.0, written in the
 * same atomic commit as the change and its audit event. The events of a commit are derived from
 * its audit events here, in one place, so no use case can forget them: every commit of the
 * store records `eventsOf` its changes. A provider's own relationship changes are committed in the
 * provider's data, so they are events of the provider.
 */
import { randomBytes } from 'node:crypto';
import type { AuditEvent, CloudEvent, EventType, Invitation, Relationship } from './model';
import type { Change } from './ports';

let lastMs = 0;
let counter = 0;

/**
 * A UUIDv7-shaped id: 48 bits of milliseconds, then a counter that keeps ids of the same
 * millisecond in this process in order, then random bits. Ids compare (as strings) in the order
 * this process made them; across processes, in the order of their clocks.
 */
export function newEventId(nowMs: number = Date.now()): string {
  if (nowMs <= lastMs) {
    counter++;
    if (counter > 0xfff) {
      lastMs++;
      counter = 0;
    }
  } else {
    lastMs = nowMs;
    counter = 0;
  }
  const rand = randomBytes(8).toString('hex');
  const variant = ((parseInt(rand[0]!, 16) & 0x3) | 0x8).toString(16);
  return `${eventIdPrefix(lastMs)}-7${counter.toString(16).padStart(3, '0')}-${variant}${rand.slice(1, 4)}-${rand.slice(4, 16)}`;
}

/** The first characters of every id made at `ms` (ids of earlier milliseconds sort below it). */
export function eventIdPrefix(ms: number): string {
  const hex = ms.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}`;
}

/** The milliseconds an event id was made at. */
export const eventIdTime = (id: string): number => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

export const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** An invitation as an event carries it: without its link nonce (a secret) and its stored history. */
export function invitationData(inv: Invitation): Record<string, unknown> {
  const { nonce: _nonce, history: _history, ...rest } = inv;
  return rest;
}

/** A relationship as an event carries it: without its internal revision and the removal reason kept back from views. */
export function relationshipData(r: Relationship): Record<string, unknown> {
  const { rev: _rev, removalReason: _reason, ...rest } = r;
  return rest;
}

export function cloudEvent(
  partnerId: string,
  type: EventType,
  time: string,
  data: Record<string, unknown>,
  subject?: string,
  id: string = newEventId(),
): CloudEvent {
  return {
    specversion: '1.0',
    id,
    source: `/partners/${partnerId}`,
    type,
    ...(subject ? { subject } : {}),
    time,
    datacontenttype: 'application/json',
    data,
  };
}

export const recordEvent = (event: CloudEvent): Change => ({ kind: 'recordEvent', event });

/** The event an audit event implies, with the resource as this commit leaves it. */
function eventOf(partnerId: string, audit: AuditEvent, changes: readonly Change[]): CloudEvent {
  if (audit.action.startsWith('partner.')) {
    // The operator's changes to a partner: its record as the commit leaves it.
    const saved = changes.find((c): c is Extract<Change, { kind: 'savePartner' }> => c.kind === 'savePartner');
    const data: Record<string, unknown> = saved ? { ...saved.partner } : { id: partnerId, ...audit.details };
    return cloudEvent(partnerId, audit.action, audit.at, data, `partners/${partnerId}`);
  }
  if (audit.action.startsWith('webhook.')) {
    // The registration as the commit leaves it, without its secrets.
    const saved = changes.find((c): c is Extract<Change, { kind: 'saveWebhook' }> => c.kind === 'saveWebhook');
    const w = saved?.webhook;
    const data = w ? { url: w.url, events: w.events, enabled: w.enabled, health: w.health } : { ...audit.details };
    return cloudEvent(partnerId, audit.action, audit.at, data, 'webhooks');
  }
  if (!audit.action.startsWith('invitation.')) {
    // relationship.* and delegatedAdmin.*: the relationship as the commit leaves it.
    const saved = changes.find(
      (c): c is Extract<Change, { kind: 'saveRelationship' }> =>
        c.kind === 'saveRelationship' && c.relationship.customerId === audit.customerId,
    );
    const data = saved ? relationshipData(saved.relationship) : { customerId: audit.customerId, ...audit.details };
    return cloudEvent(partnerId, audit.action, audit.at, data, `relationships/${audit.customerId ?? ''}`);
  }
  const written = changes.find(
    (c): c is Extract<Change, { kind: 'createInvitation' | 'updateInvitation' }> =>
      (c.kind === 'createInvitation' || c.kind === 'updateInvitation') && c.invitation.id === audit.invitationId,
  );
  const data = written ? invitationData(written.invitation) : { id: audit.invitationId, ...audit.details };
  return cloudEvent(partnerId, audit.action, audit.at, data, `invitations/${audit.invitationId ?? ''}`);
}

/**
 * The commit's events: those it records itself (`recordEvent`) and one per audit event, in the
 * order of the changes (so their ids are in that order too).
 */
export function eventsOf(partnerId: string, changes: readonly Change[]): CloudEvent[] {
  const events: CloudEvent[] = [];
  for (const c of changes) {
    if (c.kind === 'recordEvent') events.push(c.event);
    else if (c.kind === 'recordAudit') events.push(eventOf(partnerId, c.event, changes));
  }
  return events;
}
