/** The partner directory: enrolled partners, seeded by the operator (`npm run seed`). */
import type { Partner } from './model';
import type { Deps, PartnerDirectory } from './ports';

/**
 * Enrolled partners are looked up on every partner request; a found entry is kept for a short
 * while per directory (a change to the directory reaches a running instance within this time).
 * An unknown tenant is never cached, so a newly seeded partner works at once.
 */
export const PARTNER_CACHE_MS = 30_000;
const cache = new WeakMap<PartnerDirectory, Map<string, { partner: Partner; until: number }>>();

export async function findPartner(directory: PartnerDirectory, tenantId: string): Promise<Partner | undefined> {
  let entries = cache.get(directory);
  if (!entries) cache.set(directory, (entries = new Map<string, { partner: Partner; until: number }>()));
  const hit = entries.get(tenantId);
  if (hit && hit.until > Date.now()) return hit.partner;
  const partner = await directory.partner(tenantId);
  if (partner) entries.set(tenantId, { partner, until: Date.now() + PARTNER_CACHE_MS });
  else entries.delete(tenantId);
  if (entries.size > 10_000) entries.clear();
  return partner;
}

/** Enrols or updates partners (idempotent); this instance sees the change at once. */
export async function enrolPartners(directory: PartnerDirectory, partners: Partner[]): Promise<void> {
  await directory.enrol(partners);
  for (const p of partners) cache.get(directory)?.delete(p.id);
}

export interface PartnerProfile extends Partner {
  indirectProviders: { id: string; name: string }[];
}

/** The partner with the names of its linked providers (for GET /partners/me and drafts). */
export async function partnerProfile(deps: Pick<Deps, 'directory'>, partner: Partner): Promise<PartnerProfile> {
  const providers = await Promise.all(partner.indirectProviderIds.map((id) => findPartner(deps.directory, id)));
  return {
    ...partner,
    indirectProviders: providers.filter((p): p is Partner => p !== undefined).map((p) => ({ id: p.id, name: p.name })),
  };
}
