/** The Table Storage adapter on Azurite: what a commit returns is usable for the next write. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { WriteConflict } from '../../src/domain/errors';
import { TableStore } from '../../src/storage/tableStore';

const store = TableStore.fromConfig(loadConfig());

describe('TableStore.commit', () => {
  it('returns each written row its etag, batch or single, and a stale etag is a WriteConflict', async () => {
    const pk = randomUUID();
    const batch = await store.commit('data', pk, [
      { kind: 'insert', rk: 'a|1', data: { v: 1 } },
      { kind: 'put', rk: 'b|2', data: { v: 2 } },
    ]);
    const etagA = batch.get('a|1')!;
    expect(etagA).toBe((await store.get('data', pk, 'a|1'))!.etag);
    expect(batch.get('b|2')).toBe((await store.get('data', pk, 'b|2'))!.etag);

    const next = await store.commit('data', pk, [
      { kind: 'replace', rk: 'a|1', data: { v: 3 }, etag: etagA },
      { kind: 'delete', rk: 'b|2' },
    ]);
    expect(next.get('a|1')).toBe((await store.get('data', pk, 'a|1'))!.etag);
    expect(await store.get('data', pk, 'b|2')).toBeUndefined();
    await expect(store.commit('data', pk, [{ kind: 'replace', rk: 'a|1', data: { v: 4 }, etag: etagA }])).rejects.toBeInstanceOf(
      WriteConflict,
    );
    await expect(store.commit('data', pk, [{ kind: 'insert', rk: 'a|1', data: {} }])).rejects.toMatchObject({ reason: 'exists' });
  });
});
