/**
 * The operator's use cases: enrol, change, suspend and reactivate partners, audited. The record
 * of a partner lives in the partner's own data, so each change commits with its audit events in
 * one transaction; the operator's listing is a copy written after that commit (docs/decisions.md,
 * "The operator API").
 */
import { auditEvent, recordAudit } from './audit';
import { badRequest, notFound, type FieldErrors } from './errors';
import type { Actor, AuditEvent, Page, PageRequest, PartnerKind, PartnerRecord, PartnerStatus } from './model';
import { forgetPartner } from './partners';
import type { Deps } from './ports';
import { retryOnConflict } from './retry';

export interface PartnerInput {
  name: string;
  kind: PartnerKind;
  indirectProviderIds: string[];
  /** Undefined (the seed): keep the current status; active when enrolling. */
  status?: PartnerStatus | undefined;
}

/** Who `npm run seed` acts as in the audit trail. */
export const SEED_ACTOR: Actor = { id: 'seed', name: 'npm run seed', tenantId: 'operator' };

type OperatorDeps = Pick<Deps, 'store' | 'directory' | 'clock'>;

export function listPartners(deps: Pick<Deps, 'store'>, page: PageRequest): Promise<Page<PartnerRecord>> {
  return deps.store.partnerRecords(page);
}

export async function getPartnerRecord(deps: Pick<Deps, 'store'>, id: string): Promise<PartnerRecord> {
  const found = await deps.store.partnerRecord(id);
  if (!found) throw notFound(`No enrolled partner ${id}.`);
  return found.value;
}

/** Linked providers must be enrolled indirect providers, and never the partner itself. */
async function checkLinks(deps: Pick<Deps, 'directory'>, id: string, ids: string[]): Promise<void> {
  const errors: FieldErrors = {};
  const linked = await Promise.all(ids.map((p) => (p === id ? Promise.resolve(undefined) : deps.directory.partner(p))));
  ids.forEach((p, i) => {
    const found = linked[i];
    const problem =
      p === id
        ? 'is this partner itself: a partner cannot link itself'
        : !found
          ? 'is not an enrolled partner'
          : found.kind !== 'indirectProvider'
            ? 'is not an indirect provider'
            : undefined;
    if (problem) errors[`indirectProviderIds.${i}`] = [problem];
  });
  if (Object.keys(errors).length) throw badRequest('Linked providers must be enrolled indirect providers.', errors);
}

const FIELDS = ['name', 'kind', 'indirectProviderIds'] as const;

/** The audit events of a change from `before` (absent: enrolment) to `after`. */
function changeEvents(before: PartnerRecord | undefined, after: PartnerRecord, actor: Actor, now: Date): AuditEvent[] {
  const event = (action: AuditEvent['action'], details: Record<string, unknown>) => auditEvent(after.id, action, actor, now, { details });
  if (!before)
    return [
      event('partner.enrolled', {
        name: after.name,
        kind: after.kind,
        indirectProviderIds: after.indirectProviderIds,
        status: after.status,
      }),
    ];
  const events: AuditEvent[] = [];
  const changes = Object.fromEntries(
    FIELDS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f])).map((f) => [f, { from: before[f], to: after[f] }]),
  );
  if (Object.keys(changes).length) events.push(event('partner.updated', { changes }));
  if (before.status !== after.status) events.push(event(after.status === 'suspended' ? 'partner.suspended' : 'partner.reactivated', {}));
  return events;
}

/**
 * Enrols the partner or changes it (PUT semantics; nothing changes, and nothing is audited,
 * when the record already says so). Every instance sees the change within PARTNER_CACHE_MS.
 */
export async function putPartner(
  deps: OperatorDeps,
  actor: Actor,
  id: string,
  input: PartnerInput,
): Promise<{ created: boolean; partner: PartnerRecord }> {
  await checkLinks(deps, id, input.indirectProviderIds);
  const result = await retryOnConflict(async () => {
    const found = await deps.store.partnerRecord(id);
    const before = found?.value;
    const now = deps.clock.now();
    const fields = { id, name: input.name, kind: input.kind, indirectProviderIds: input.indirectProviderIds };
    const status = input.status ?? before?.status ?? 'active';
    const proposed: PartnerRecord = {
      ...fields,
      status,
      enrolledAt: before?.enrolledAt ?? now.toISOString(),
      updatedAt: now.toISOString(),
      updatedBy: actor,
    };
    const events = changeEvents(before, proposed, actor, now);
    if (before && events.length === 0) return { created: false, partner: before };
    await deps.store.commit(id, [{ kind: 'savePartner', partner: proposed, version: found?.version }, ...events.map(recordAudit)]);
    return { created: !before, partner: proposed };
  });
  // Second step: the listing's copy (derived; a retried PUT writes it again).
  await deps.store.writePartnerListing(result.partner);
  forgetPartner(deps.directory, id);
  return result;
}

/** Bootstrapping (`npm run seed`, tests): the same use case, providers first, as SEED_ACTOR. */
export async function enrolPartners(deps: OperatorDeps, partners: (PartnerInput & { id: string })[], actor = SEED_ACTOR): Promise<void> {
  const ordered = [...partners.filter((p) => p.kind === 'indirectProvider'), ...partners.filter((p) => p.kind !== 'indirectProvider')];
  for (const p of ordered) await putPartner(deps, actor, p.id, p);
}
