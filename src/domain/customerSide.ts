/**
 * The customer's side of relationships (see docs/storage.md for why it cannot stay inconsistent).
 *
 * A relationship lives in its partner's data; its customer reads a copy in the customer's own
 * index. Every relationship change goes through `commitRelationships`:
 *
 * 1. commit: the partner's ONE atomic commit (the relationship, its index rows, its audit events,
 *    its events), the change numbered (`seq`) one above the relationship it replaces. Its
 *    announcement on the delivery queue, sent (delayed) before the commit, carries what the
 *    customer's side owes (`owed`): that is the durable record of the work, nothing else is written;
 * 2. customer step: the customer's copy is written unless the index already holds that change or
 *    a later one (copies only move forward), with the change's audit events, in one commit per
 *    customer for all of a request's commits (a combined acceptance: the reseller's and the
 *    provider's copies together); then the announcement is released, `settled`;
 * 3. after the answer, the worker of the announcement (src/domain/followUp.ts) records when the
 *    grants fall due and schedules their first warnings before they end (carried by the message,
 *    `warnings`) and, when the message is not settled (a crash, an outage, a failed step),
 *    re-reads each relationship and writes its copy (`completeOwed`).
 */
import type { AuditEvent, CustomerRelationship, Page, PageRequest, Principal, Relationship } from './model';
import { authorizeCustomerAdmin } from './access';
import { grantWarnings } from './endingSoon';
import { notFound } from './errors';
import { findPartner } from './partners';
import type { Change, Deps, DueGrant, EventMessage, FollowUp, RelationshipNote } from './ports';
import type { Warning } from './warnings';

export type CustomerSideDeps = Pick<Deps, 'store' | 'ledger' | 'directory' | 'clock'>;

/** The relationship as its customer sees it: no partner-internal fields. */
export function customerCopy(r: Relationship, partnerName: string): CustomerRelationship {
  const { revokedBy, ...grant } = r.delegatedAdmin;
  return {
    partnerId: r.partnerId,
    partnerName,
    customerId: r.customerId,
    role: r.role,
    ...(r.resellerId ? { resellerId: r.resellerId } : {}),
    status: r.status,
    delegatedAdmin: { ...grant, ...(revokedBy ? { revokedBy: revokedBy.party } : {}) },
    establishedAt: r.establishedAt,
    ...(r.removedAt ? { removedAt: r.removedAt } : {}),
    seq: r.seq ?? 0,
  };
}

function noteOf(r: Relationship, at: string, events: AuditEvent[]): RelationshipNote {
  const granted = r.status === 'active' && r.delegatedAdmin.status === 'granted';
  return {
    partnerId: r.partnerId,
    customerId: r.customerId,
    seq: r.seq ?? 0,
    rev: r.rev,
    at,
    ...(granted ? { endsAt: r.delegatedAdmin.endsAt } : {}),
    events: events.filter((e) => e.customerId === r.customerId),
  };
}

/** The partner's name as its customers see it (the directory's, else its ID). */
const partnerName = async (deps: Pick<Deps, 'directory'>, id: string) => (await findPartner(deps.directory, id))?.name ?? id;

/**
 * The customer steps of one request's commits, done together once they are all made (one
 * commit per customer), then their announcements released.
 */
export class CustomerSteps {
  private readonly relationships: Relationship[] = [];
  private readonly events: AuditEvent[] = [];
  private readonly releases: ((settled: boolean) => Promise<void>)[] = [];

  /** What a commit of these relationships carries; they join the step once it is made. */
  follow(relationships: Relationship[], notes: RelationshipNote[], warnings: Warning[]): FollowUp {
    return {
      owed: notes,
      warnings,
      hold: (release) => {
        this.relationships.push(...relationships);
        this.events.push(...notes.flatMap((n) => n.events));
        this.releases.push(release);
      },
    };
  }

  /** Writes the customers' copies; the announcements say whether that (and all before it) is done. */
  async finish(deps: Pick<Deps, 'ledger' | 'directory'>, allDone = true): Promise<void> {
    const customers = [...new Set(this.relationships.map((r) => r.customerId))];
    const written = await Promise.allSettled(
      customers.map(async (customerId) => {
        const mine = this.relationships.filter((r) => r.customerId === customerId);
        const copies = await Promise.all(mine.map(async (r) => customerCopy(r, await partnerName(deps, r.partnerId))));
        await deps.ledger.mirror(
          customerId,
          copies,
          this.events.filter((e) => e.customerId === customerId),
        );
      }),
    );
    const settled = allDone && written.every((w) => w.status === 'fulfilled');
    // Not awaited: the answer does not wait for the queue (if a release is lost, the delay ends).
    for (const release of this.releases) void release(settled).catch(() => undefined);
  }
}

/**
 * Commits a partner's changes as `store.commit` does, and brings the customer's index along with
 * every relationship among them: at once, or with the other commits of `steps` when given (the
 * caller then calls `steps.finish`). Returns what `store.commit` returns.
 */
export async function commitRelationships(
  deps: CustomerSideDeps,
  partnerId: string,
  changes: Change[],
  steps?: CustomerSteps,
): Promise<(string | undefined)[]> {
  const numbered = changes.map((c) =>
    c.kind === 'saveRelationship' ? { ...c, relationship: { ...c.relationship, seq: (c.previous?.value.seq ?? 0) + 1 } } : c,
  );
  const relationships = numbered.flatMap((c) => (c.kind === 'saveRelationship' ? [c.relationship] : []));
  if (relationships.length === 0) return deps.store.commit(partnerId, changes);
  const events = numbered.flatMap((c) => (c.kind === 'recordAudit' ? [c.event] : []));
  const now = deps.clock.now();
  const at = now.toISOString();
  const own = steps ?? new CustomerSteps();
  // Each grant's first warning before it ends (src/domain/endingSoon.ts) rides with the notes:
  // the worker schedules it after the answer (a failed commit leaves a point the job drops).
  const notes = relationships.map((r) => noteOf(r, at, events));
  const result = await deps.store.commit(partnerId, numbered, own.follow(relationships, notes, grantWarnings(relationships, now)));
  if (!steps) await own.finish(deps);
  return result;
}

/** The grants a set of relationships leaves due. */
const dueOf = (notes: RelationshipNote[]): DueGrant[] =>
  notes.flatMap((n) => (n.endsAt ? [{ partnerId: n.partnerId, customerId: n.customerId, endsAt: n.endsAt }] : []));

/**
 * What a commit's announcement says the customers' side owes, done by its worker: the due rows
 * always; the customer's copies only when the request did not say it wrote them (re-read from
 * the partner's data, so a commit that failed only copies what is already there). Idempotent.
 */
export async function completeOwed(deps: CustomerSideDeps, message: Pick<EventMessage, 'owed' | 'settled'>): Promise<void> {
  const owed = message.owed ?? [];
  if (owed.length === 0) return;
  if (message.settled) {
    await deps.ledger.due(dueOf(owed));
    return;
  }
  const current = await Promise.all(owed.map((n) => deps.store.relationship(n.partnerId, n.customerId)));
  const now: RelationshipNote[] = [];
  owed.forEach((n, i) => {
    const r = current[i]?.value;
    // The note's events happened if its change is the one in place (same revision).
    if (r) now.push({ ...noteOf(r, n.at, []), events: r.rev === n.rev ? n.events : [] });
  });
  for (const customerId of new Set(now.map((n) => n.customerId))) {
    const mine = current.flatMap((c) => (c && c.value.customerId === customerId ? [c.value] : []));
    const copies = await Promise.all(mine.map(async (r) => customerCopy(r, await partnerName(deps, r.partnerId))));
    const events = now.filter((n) => n.customerId === customerId).flatMap((n) => n.events);
    await deps.ledger.mirror(customerId, copies, events);
  }
  await deps.ledger.due(dueOf(now));
}

// ---------------------------------------------------------------- the customer's reads

export function listCustomerRelationships(
  deps: Pick<Deps, 'ledger'>,
  principal: Principal,
  page: PageRequest,
): Promise<Page<CustomerRelationship>> {
  authorizeCustomerAdmin(principal, 'see or change partner relationships');
  return deps.ledger.customerRelationships(principal.tenantId, page);
}

export async function customerRelationship(
  deps: Pick<Deps, 'ledger'>,
  customerId: string,
  partnerId: string,
): Promise<CustomerRelationship> {
  const found = await deps.ledger.customerRelationship(customerId, partnerId);
  if (!found || found.status !== 'active') throw notFound(`No relationship with partner ${partnerId}.`);
  return found;
}
