/** The partner cache with an injected clock: a suspension made elsewhere is seen within PARTNER_CACHE_MS. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/deps';
import { putPartner, SEED_ACTOR } from '../../src/domain/operator';
import { PARTNER_CACHE_MS, findPartner } from '../../src/domain/partners';
import type { PartnerDirectory } from '../../src/domain/ports';
import { memoryStorage, storageOver } from '../../src/storage';

describe('the partner cache', () => {
  it('keeps an entry at most PARTNER_CACHE_MS (under 5 s), at one read per window', async () => {
    expect(PARTNER_CACHE_MS).toBeLessThan(5_000);
    const here = memoryStorage();
    // Another instance: the same rows, its own directory (and so its own cache).
    const elsewhere = { ...storageOver(here.rows, 'k'), clock: systemClock };
    const id = randomUUID();
    const input = { name: 'Contoso Resellers', kind: 'reseller' as const, indirectProviderIds: [] };
    await putPartner(elsewhere, SEED_ACTOR, id, { ...input, status: 'active' });

    let reads = 0;
    const directory: PartnerDirectory = { partner: (p) => (reads++, here.directory.partner(p)) };
    let now = 1_000_000;
    const clock = () => now;
    expect((await findPartner(directory, id, clock))?.status).toBe('active');
    await putPartner(elsewhere, SEED_ACTOR, id, { ...input, status: 'suspended' });
    for (const t of [0, 1_000, PARTNER_CACHE_MS - 1]) {
      now = 1_000_000 + t;
      expect((await findPartner(directory, id, clock))?.status).toBe('active');
    }
    expect(reads).toBe(1);
    now = 1_000_000 + PARTNER_CACHE_MS;
    expect((await findPartner(directory, id, clock))?.status).toBe('suspended');
    expect(reads).toBe(2);
  });

  it('never caches an unknown tenant', async () => {
    const here = memoryStorage();
    const id = randomUUID();
    expect(await findPartner(here.directory, id)).toBeUndefined();
    await putPartner({ ...here, clock: systemClock }, SEED_ACTOR, id, {
      name: 'New',
      kind: 'reseller',
      indirectProviderIds: [],
      status: 'active',
    });
    expect((await findPartner(here.directory, id))?.name).toBe('New');
  });
});
