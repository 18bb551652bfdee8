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

export async function findPartner(store: Store, tenantId: string): Promise<Partner | undefined> {
  const row = await store.get('partners', tenantId, PROFILE);
  return row ? toPartner(row) : undefined;
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
