/**
 * The row store's contract, the same cases against every adapter (memory and Azure Table
 * Storage), so the memory adapter the unit tests use cannot drift from the real one.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WriteConflict } from '../../src/domain/errors';
import { adapters } from './adapters';

describe.each(adapters)('rows on $name', ({ rows: make }) => {
  it('returns each written row its etag, batch or single, and a stale etag is a WriteConflict', async () => {
    const rows = make();
    const pk = randomUUID();
    const batch = await rows.commit('data', pk, [
      { kind: 'insert', rk: 'a|1', data: { v: 1 } },
      { kind: 'put', rk: 'b|2', data: { v: 2 } },
    ]);
    const etagA = batch.get('a|1')!;
    expect(etagA).toBe((await rows.get('data', pk, 'a|1'))!.etag);
    expect(batch.get('b|2')).toBe((await rows.get('data', pk, 'b|2'))!.etag);

    const next = await rows.commit('data', pk, [
      { kind: 'replace', rk: 'a|1', data: { v: 3 }, etag: etagA },
      { kind: 'delete', rk: 'b|2' },
    ]);
    expect(next.get('a|1')).toBe((await rows.get('data', pk, 'a|1'))!.etag);
    expect(next.get('a|1')).not.toBe(etagA);
    expect((await rows.get('data', pk, 'a|1'))!.data).toEqual({ v: 3 });
    expect(await rows.get('data', pk, 'b|2')).toBeUndefined();
    await expect(rows.commit('data', pk, [{ kind: 'replace', rk: 'a|1', data: { v: 4 }, etag: etagA }])).rejects.toMatchObject({
      reason: 'version',
    });
    await expect(rows.commit('data', pk, [{ kind: 'insert', rk: 'a|1', data: {} }])).rejects.toMatchObject({ reason: 'exists' });
    await expect(rows.commit('data', pk, [{ kind: 'replace', rk: 'zz', data: {}, etag: etagA }])).rejects.toBeInstanceOf(WriteConflict);
  });

  it('applies a commit all or nothing: one stale write leaves every other write undone', async () => {
    const rows = make();
    const pk = randomUUID();
    const first = await rows.commit('data', pk, [
      { kind: 'insert', rk: 'x', data: { v: 1 } },
      { kind: 'insert', rk: 'y', data: { v: 1 } },
    ]);
    await expect(
      rows.commit('data', pk, [
        { kind: 'replace', rk: 'x', data: { v: 2 }, etag: first.get('x')! },
        { kind: 'insert', rk: 'y', data: { v: 2 } },
        { kind: 'put', rk: 'z', data: { v: 2 } },
      ]),
    ).rejects.toBeInstanceOf(WriteConflict);
    expect((await rows.get('data', pk, 'x'))!.data).toEqual({ v: 1 });
    expect(await rows.get('data', pk, 'z')).toBeUndefined();
  });

  it('reads a key range of one partition in key order, with its limit and server-side conditions', async () => {
    const rows = make();
    const pk = randomUUID();
    const other = randomUUID();
    const keys = ['k|b', 'k|a', 'k|c', 'k|a!2', 'k|Z', 'k|\u00e9', 'l|a'];
    await rows.commit(
      'data',
      pk,
      keys.map((rk, i) => ({ kind: 'insert' as const, rk, data: { n: i, tag: i % 2 ? 'odd' : 'even', name: rk.slice(2) } })),
    );
    await rows.commit('data', other, [{ kind: 'insert', rk: 'k|a', data: { n: 99 } }]);
    const all = await rows.range('data', pk, { from: 'k|', to: 'k|\uffff', limit: 100 });
    expect(all.map((r) => r.rk)).toEqual(['k|Z', 'k|a', 'k|a!2', 'k|b', 'k|c', 'k|\u00e9']);
    expect((await rows.range('data', pk, { from: 'k|a\u0000', to: 'k|\uffff', limit: 2 })).map((r) => r.rk)).toEqual(['k|a!2', 'k|b']);
    const odd = await rows.range('data', pk, { from: 'k|', to: 'k|\uffff', where: [{ prop: 'tag', op: 'eq', value: 'odd' }], limit: 100 });
    expect(odd.map((r) => r.data.n)).toEqual([1, 3, 5]);
    const range = await rows.range('data', pk, {
      from: 'k|',
      to: 'k|\uffff',
      where: [
        { prop: 'n', op: 'ge', value: 1 },
        { prop: 'n', op: 'lt', value: 4 },
        { prop: 'n', op: 'ne', value: 2 },
      ],
      limit: 100,
    });
    expect(range.map((r) => r.data.n).sort()).toEqual([1, 3]);
    const either = await rows.range('data', pk, {
      from: 'k|',
      to: 'k|\uffff',
      anyOf: [[{ prop: 'name', op: 'eq', value: 'c' }], [{ prop: 'n', op: 'gt', value: 4 }]],
      limit: 100,
    });
    expect(either.map((r) => r.rk)).toEqual(['k|c', 'k|\u00e9']);
  });

  it('finds nothing in a partition or table never written', async () => {
    const rows = make();
    expect(await rows.get('data', randomUUID(), 'nothing')).toBeUndefined();
    expect(await rows.range('data', randomUUID(), { from: '', to: '\uffff', limit: 10 })).toEqual([]);
  });

  it('keeps a directory entry put twice as the last one written', async () => {
    const rows = make();
    const pk = randomUUID();
    await rows.commit('partners', pk, [{ kind: 'put', rk: 'profile', data: { name: 'a' } }]);
    await rows.commit('partners', pk, [{ kind: 'put', rk: 'profile', data: { name: 'b', kind: 'reseller' } }]);
    expect((await rows.get('partners', pk, 'profile'))!.data).toEqual({ name: 'b', kind: 'reseller' });
  });
});
