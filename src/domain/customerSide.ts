/**
 * The customer's side of relationships (see docs/storage.md for why it cannot stay inconsistent).
 *
 * A relationship lives in its partner's data; its customer reads a copy in the customer's own
 * index. Every relationship change goes through `commitRelationships`:
 *
 * 1. note: before the partner's commit, a note of the change (and, while delegated admin is
 *    granted, its due row: when it ends) is written to the job partition;
 * 2. commit: the partner's ONE atomic commit (the relationship, its index rows, its audit events),
 *    the change numbered (`seq`) one above the relationship it replaces;
 * 3. customer step: the customer's copy is written unless the index already holds that change or a
 *    later one (copies only move forward), with the change's audit events; then the note is done.
 *
 * If step 3 does not happen (a crash, storage down), the note stays, and the repair job
 * (`completeCustomerSteps`) reads the notes (only them), re-reads each relationship and writes its
 * copy. A note of a commit that failed only makes the repair copy what is already there.
 */
import type { AuditEvent, CustomerRelationship, Page, PageRequest, Principal, Relationship } from './model';
import { authorizeCustomerAdmin } from './access';
import { scheduleGrantWarnings } from './endingSoon';
import { notFound } from './errors';
import { findPartner } from './partners';
import type { Change, Deps, RelationshipNote } from './ports';

export type CustomerSideDeps = Pick<Deps, 'store' | 'ledger' | 'directory' | 'clock' | 'warnings'>;

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
 * Commits a partner's changes as `store.commit` does, and brings the customer's index (and the
 * due index) along with every relationship among them. Returns what `store.commit` returns.
 */
export async function commitRelationships(deps: CustomerSideDeps, partnerId: string, changes: Change[]): Promise<(string | undefined)[]> {
  const numbered = changes.map((c) =>
    c.kind === 'saveRelationship' ? { ...c, relationship: { ...c.relationship, seq: (c.previous?.value.seq ?? 0) + 1 } } : c,
  );
  const relationships = numbered.flatMap((c) => (c.kind === 'saveRelationship' ? [c.relationship] : []));
  if (relationships.length === 0) return deps.store.commit(partnerId, changes);
  const events = numbered.flatMap((c) => (c.kind === 'recordAudit' ? [c.event] : []));
  const at = deps.clock.now().toISOString();
  const notes = relationships.map((r) => noteOf(r, at, events));

  // With the notes, each grant's first warning before it ends (src/domain/endingSoon.ts).
  await Promise.all([deps.ledger.note(notes), scheduleGrantWarnings(deps, relationships)]);
  // If the commit fails (a lost race, storage down), nothing changed and the notes are moot: the
  // repair drops them after copying what is already there (no extra round trip on the losing path).
  const result = await deps.store.commit(partnerId, numbered);
  // The change is committed; the customer's step is bookkeeping the repair job completes if it fails here.
  await Promise.allSettled(relationships.map((r, i) => customerStep(deps, r, notes[i]!)));
  return result;
}

async function customerStep(deps: Pick<Deps, 'ledger' | 'directory'>, r: Relationship, note: RelationshipNote): Promise<void> {
  await deps.ledger.mirror(customerCopy(r, await partnerName(deps, r.partnerId)), note.events);
  await deps.ledger.done(note);
}

/**
 * The repair job: completes customer steps left behind (older than `graceMs`: their own request
 * is most likely still finishing). Reads the notes only; safe to run anywhere, any number of times.
 */
export async function completeCustomerSteps(
  deps: Pick<Deps, 'store' | 'ledger' | 'directory' | 'clock'>,
  graceMs = 60_000,
  limit = 200,
): Promise<{ found: number; completed: number }> {
  const notes = await deps.ledger.pendingNotes(new Date(deps.clock.now().getTime() - graceMs), limit);
  let completed = 0;
  for (const note of notes) {
    const current = await deps.store.relationship(note.partnerId, note.customerId);
    if (current) {
      const r = current.value;
      // The note's events happened if its change is the one in place (same revision).
      await deps.ledger.mirror(customerCopy(r, await partnerName(deps, r.partnerId)), r.rev === note.rev ? note.events : []);
      completed++;
    }
    await deps.ledger.done(note);
  }
  return { found: notes.length, completed };
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
