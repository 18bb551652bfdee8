/** The partner directory: enrolled partners, seeded by the operator (`npm run seed`). */
import type { Partner, PartnerKind } from './model';
import type { Store, StoredRow, WriteOp } from './ports';

const PROFILE = 'profile';

function toPartner(row: StoredRow): Partner | undefined {
  const { name, kind, indirectProviderIds } = row.data;
  if (typeof name !== 'string' || (kind !== 'reseller' && kind !== 'indirectProvider')) return undefined;
  let ids: unknown = [];
  try {
    ids = JSON.parse(typeof indirectProviderIds === 'string' ? indirectProviderIds : '[]');
  } catch {
    ids = [];
  }
  return {
    id: row.pk,
    name,
    kind: kind satisfies PartnerKind,
    indirectProviderIds: Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [],
  };
}

/**
 * Enrolled partners are looked up on every partner request; a found entry is kept for a short
 * while per store (a change to the directory reaches a running instance within this time). An
 * unknown tenant is never cached, so a newly seeded partner works at once.
 */
export const PARTNER_CACHE_MS = 30_000;
const cache = new WeakMap<Store, Map<string, { partner: Partner; until: number }>>();

export async function findPartner(store: Store, tenantId: string): Promise<Partner | undefined> {
  let entries = cache.get(store);
  if (!entries) cache.set(store, (entries = new Map<string, { partner: Partner; until: number }>()));
  const hit = entries.get(tenantId);
  if (hit && hit.until > Date.now()) return hit.partner;
  const row = await store.get('partners', tenantId, PROFILE);
  const partner = row ? toPartner(row) : undefined;
  if (partner) entries.set(tenantId, { partner, until: Date.now() + PARTNER_CACHE_MS });
  else entries.delete(tenantId);
  if (entries.size > 10_000) entries.clear();
  return partner;
}

/** Inserts or updates partners (idempotent). A directory entry is reference data, not state. */
export async function upsertPartners(store: Store, partners: Partner[]): Promise<void> {
  for (const p of partners) {
    const op: WriteOp = {
      kind: 'put',
      rk: PROFILE,
      data: { name: p.name, kind: p.kind, indirectProviderIds: JSON.stringify(p.indirectProviderIds) },
    };
    await store.commit('partners', p.id, [op]);
    cache.get(store)?.delete(p.id);
  }
}

/** The partner with the names of its linked providers (for GET /partners/me and drafts). */
export async function partnerProfile(store: Store, partner: Partner) {
  const providers = await Promise.all(partner.indirectProviderIds.map((id) => findPartner(store, id)));
  return {
    ...partner,
    indirectProviders: providers.filter((p): p is Partner => p !== undefined).map((p) => ({ id: p.id, name: p.name })),
  };
}
