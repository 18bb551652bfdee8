/** Export CSV: every row of a list with the filters on screen, semicolon-separated in Spanish (as Spanish Excel reads it). */
import { useState } from 'preact/hooks';
import type { InvitationFilter, RelationshipFilter } from '../../../src/client';
import { useSession } from '../context';
import { datedName, saveFile } from '../download';
import { fill } from '../i18n';
import { ErrorAlert } from '../ui';

type Props =
  | { list: 'listRelationships'; filter: RelationshipFilter; name: string }
  | { list: 'listInvitations'; filter: InvitationFilter; name: string };

export function ExportCsv({ list, filter, name }: Props) {
  const { t, lang, api } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const run = async () => {
    setBusy(true);
    setError(undefined);
    setDone('');
    try {
      const file = datedName(name);
      saveFile(await api.exportCsv(list, filter, { delimiter: lang === 'es' ? 'semicolon' : 'comma' }), file);
      setDone(fill(t.exportCsv.done, { file }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="export">
      <button type="button" onClick={() => void run()} disabled={busy} aria-busy={busy}>
        {busy ? t.exportCsv.exporting : t.exportCsv.button}
      </button>
      <p class="small muted" role="status">
        {done}
      </p>
      <ErrorAlert t={t} error={error} />
    </div>
  );
}
