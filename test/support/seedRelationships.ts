/** Writes many relationships fast, through the same domain code an acceptance uses, batched per transaction. */
import { randomUUID } from 'node:crypto';
import type { Store, WriteOp } from '../../src/domain/ports';
import { establish } from '../../src/domain/relationships';

export interface SeedCustomer {
  customerId?: string;
  companyName: string;
  domain?: string;
}

export async function seedRelationships(store: Store, partnerId: string, customers: SeedCustomer[], concurrency = 8): Promise<string[]> {
  const actor = { id: 'seed', name: 'seed', tenantId: partnerId };
  const batches: WriteOp[][] = [[]];
  const ids: string[] = [];
  for (const c of customers) {
    const customerId = c.customerId ?? randomUUID();
    ids.push(customerId);
    const { ops } = establish(
      undefined,
      { partnerId, customerId, companyName: c.companyName, domain: c.domain, role: 'reseller', invitationId: 'seeded', actor },
      new Date(),
    );
    if (batches.at(-1)!.length + ops.length > 100) batches.push([]);
    batches.at(-1)!.push(...ops);
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        if (batch.length) await store.commit('data', partnerId, batch);
      }
    }),
  );
  return ids;
}
