/** A partner's data as it was before the insight counters: their rows and marks taken away (for backfill tests). */
import { COUNTED, INVITATION, RELATIONSHIP } from '../../src/storage/layout';
import type { Rows } from '../../src/storage/rows';

export async function makeLegacy(rows: Rows, partnerId: string): Promise<void> {
  const all = await rows.range('data', partnerId, { from: '', to: '\uffff', limit: 100_000 });
  for (const r of all) {
    if (r.rk.startsWith('ins') || r.rk.startsWith('ine|')) await rows.commit('data', partnerId, [{ kind: 'delete', rk: r.rk }]);
    else if (r.rk.startsWith(INVITATION) || r.rk.startsWith(RELATIONSHIP)) {
      const { [COUNTED]: _counted, ...data } = r.data;
      await rows.commit('data', partnerId, [{ kind: 'replace', rk: r.rk, data, etag: r.etag }]);
    }
  }
}
