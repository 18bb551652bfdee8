/** Writes many relationships fast, through the same domain code an acceptance uses, batched per commit. */
import { randomUUID } from 'node:crypto';
import type { Change, PartnerStore } from '../../src/domain/ports';
import { establish } from '../../src/domain/relationships';

export interface SeedCustomer {
  customerId?: string;
  companyName: string;
  domain?: string;
}

/** A relationship and its audit event take at most 37 writes: two of them fit one commit (100). */
const PER_COMMIT = 2;

export async function seedRelationships(
  store: PartnerStore,
  partnerId: string,
  customers: SeedCustomer[],
  concurrency = 8,
): Promise<string[]> {
  const actor = { id: 'seed', name: 'seed', tenantId: partnerId };
  const batches: Change[][] = [];
  const ids: string[] = [];
  customers.forEach((c, i) => {
    const customerId = c.customerId ?? randomUUID();
    ids.push(customerId);
    const { changes } = establish(
      undefined,
      { partnerId, customerId, companyName: c.companyName, domain: c.domain, role: 'reseller', invitationId: 'seeded', actor },
      new Date(),
    );
    if (i % PER_COMMIT === 0) batches.push([]);
    batches.at(-1)!.push(...changes);
  });
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        if (batch.length) await store.commit(partnerId, batch);
      }
    }),
  );
  return ids;
}
