/** The partner directory: enrolled partners, enrolled and changed by the operator (src/domain/operator.ts). */
import type { Partner } from './model';
import type { Deps, PartnerDirectory } from './ports';

/**
 * Enrolled partners are looked up on every partner request; a found entry is kept for a short
 * while per directory, so a change (a suspension, say) reaches every running instance within
 * this time: at most 5 s (SPEC), with a margin for the read that filled the entry. The cost is
 * one point read per partner per instance per 4 s (docs/decisions.md, "The operator API").
 * An unknown tenant is never cached, so a newly enrolled partner works at once.
 */
export const PARTNER_CACHE_MS = 4_000;
const cache = new WeakMap<PartnerDirectory, Map<string, { partner: Partner; until: number }>>();

export async function findPartner(
  directory: PartnerDirectory,
  tenantId: string,
  now: () => number = Date.now,
): Promise<Partner | undefined> {
  let entries = cache.get(directory);
  if (!entries) cache.set(directory, (entries = new Map<string, { partner: Partner; until: number }>()));
  const hit = entries.get(tenantId);
  if (hit && hit.until > now()) return hit.partner;
  const partner = await directory.partner(tenantId);
  if (partner) entries.set(tenantId, { partner, until: now() + PARTNER_CACHE_MS });
  else entries.delete(tenantId);
  if (entries.size > 10_000) entries.clear();
  return partner;
}

/** This instance sees a change of the partner at once (others within PARTNER_CACHE_MS). */
export function forgetPartner(directory: PartnerDirectory, id: string): void {
  cache.get(directory)?.delete(id);
}

export const isSuspended = (p: Partner | undefined): boolean => p?.status === 'suspended';

export interface PartnerProfile extends Partner {
  indirectProviders: { id: string; name: string }[];
}

/** The partner with the names of its linked providers (for GET /partners/me and drafts). */
export async function partnerProfile(deps: Pick<Deps, 'directory'>, partner: Partner): Promise<PartnerProfile> {
  const providers = await Promise.all(partner.indirectProviderIds.map((id) => findPartner(deps.directory, id)));
  // A caller only ever sees itself active (a suspended partner is refused): no status here.
  const { status: _status, ...profile } = partner;
  return {
    ...profile,
    indirectProviders: providers.filter((p): p is Partner => p !== undefined).map((p) => ({ id: p.id, name: p.name })),
  };
}
