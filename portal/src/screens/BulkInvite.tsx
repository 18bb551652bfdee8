/**
 * Bulk invite: a template CSV, choose a file, the dry run as a table (each row's errors at the
 * cell of the field they are about), Create invitations, then the results and Download results
 * (the same batch answered as CSV with each link, for a mail merge). The file is sent as it is
 * (the service reads Excel's BOM and semicolons, and says when a file is not UTF-8); creation and
 * the download use one Idempotency-Key, so a retried click or the download creates nothing twice.
 */
import { useState } from 'preact/hooks';
import type { BatchResult } from '../../../src/client';
import { BATCH_CSV_COLUMNS, FIELD_OF_COLUMN } from '../../../src/api/batchColumns';
import { useSession } from '../context';
import { datedName, saveFile } from '../download';
import { counted, fill, type Lang } from '../i18n';
import type { Catalogue } from '../i18n/en';
import { ErrorAlert, ScreenHeading } from '../ui';

type Phase = 'idle' | 'checking' | 'checked' | 'creating' | 'created';
type Row = BatchResult['rows'][number];

const COLUMN_OF_FIELD = new Map<string, string>(Object.entries(FIELD_OF_COLUMN).map(([column, field]) => [field, column]));

/**
 * The summary sentence after a check or a creation: each {placeholder} is the summary's count of
 * the same name, in the counted words of `t.counts` named here.
 */
const SUMMARY: Record<'checked' | 'created', Partial<Record<keyof BatchResult['summary'], keyof Catalogue['counts']>>> = {
  checked: { rows: 'rowsChecked', valid: 'ready', failed: 'withProblems', duplicate: 'repeated' },
  created: { created: 'created', sent: 'sent', failed: 'rowsWithProblems', duplicate: 'repeated' },
};

function summaryText(t: Catalogue, lang: Lang, done: keyof typeof SUMMARY, summary: BatchResult['summary']): string {
  const words = Object.entries(SUMMARY[done]).map(([k, forms]): [string, string] => [
    k,
    counted(lang, summary[k as keyof typeof summary], t.counts[forms]),
  ]);
  return fill(t.bulk[done], Object.fromEntries(words));
}

/** The template: the header line and one example row, `;` for Spanish Excel. */
function template(delimiter: string): Blob {
  const example = ['Contoso Ltd', 'admin@contoso.example', 'contoso.example', '', '', 'en', '', '', ''];
  return new Blob([`\ufeff${BATCH_CSV_COLUMNS.join(delimiter)}\r\n${example.join(delimiter)}\r\n`], { type: 'text/csv' });
}

export function BulkInvite() {
  const { t, lang, api, emailConfigured } = useSession();
  const [file, setFile] = useState<File | undefined>();
  const [key, setKey] = useState('');
  const [send, setSend] = useState(false);
  const [phase, setPhase] = useState<Phase>('idle');
  const [result, setResult] = useState<BatchResult | undefined>();
  const [error, setError] = useState<unknown>();
  const [fileError, setFileError] = useState('');

  const choose = (f: File | undefined) => {
    setFile(f);
    // A new file is a new batch: a new key, and no result of the last one.
    setKey(crypto.randomUUID());
    setResult(undefined);
    setPhase('idle');
    setError(undefined);
    setFileError('');
  };

  const run = async (dryRun: boolean) => {
    if (!file) {
      setFileError(t.bulk.chooseFirst);
      document.getElementById('bulk-file')?.focus();
      return;
    }
    setError(undefined);
    setPhase(dryRun ? 'checking' : 'creating');
    try {
      const r = await api.inviteBatch({ csv: file }, dryRun ? { dryRun: true } : { send, idempotencyKey: key });
      setResult(r);
      setPhase(dryRun ? 'checked' : 'created');
    } catch (err) {
      setError(err);
      setPhase(dryRun ? 'idle' : 'checked');
    }
  };

  const download = async () => {
    if (!file) return;
    setError(undefined);
    try {
      // The same file under the same key: the service replays the outcome, as CSV.
      const delimiter = lang === 'es' ? 'semicolon' : 'comma';
      saveFile(await api.inviteBatchAsCsv({ csv: file }, { send, idempotencyKey: key, delimiter }), datedName('invitations-results'));
    } catch (err) {
      setError(err);
    }
  };

  const s = result?.summary;
  const ready = s ? s.valid : 0;
  return (
    <section aria-labelledby="screen-title">
      <ScreenHeading>{t.bulk.title}</ScreenHeading>
      <p>{t.bulk.intro}</p>
      <div class="actions">
        <button type="button" onClick={() => saveFile(template(lang === 'es' ? ';' : ','), 'invitations-template.csv')}>
          {t.bulk.template}
        </button>
      </div>
      <p class="small muted">{fill(t.bulk.templateHint, { columns: BATCH_CSV_COLUMNS.join(', ') })}</p>
      <form class="form" onSubmit={(e) => (e.preventDefault(), void run(true))}>
        <div class="field">
          <label for="bulk-file">{t.bulk.file}</label>
          <input
            id="bulk-file"
            type="file"
            accept=".csv,text/csv"
            aria-describedby="bulk-file-hint bulk-file-error"
            aria-invalid={fileError ? true : undefined}
            onChange={(e) => choose(e.currentTarget.files?.[0])}
          />
          <p id="bulk-file-hint" class="small muted">
            {t.bulk.fileHint}
          </p>
          <div id="bulk-file-error" class="field-error">
            {fileError ? <p>{fileError}</p> : null}
          </div>
        </div>
        {emailConfigured ? (
          <div class="check">
            <input id="bulk-send" type="checkbox" checked={send} onChange={(e) => setSend(e.currentTarget.checked)} />
            <label for="bulk-send">{t.bulk.send}</label>
          </div>
        ) : null}
        <div class="actions">
          <button type="submit" disabled={phase === 'checking' || phase === 'creating'}>
            {phase === 'checking' ? t.bulk.checking : t.bulk.check}
          </button>
          {phase === 'checked' && ready > 0 ? (
            <button type="button" class="primary" onClick={() => void run(false)}>
              {t.bulk.create}
            </button>
          ) : null}
          {phase === 'creating' ? (
            <button type="button" class="primary" disabled aria-busy="true">
              {t.bulk.creating}
            </button>
          ) : null}
          {phase === 'created' ? (
            <button type="button" class="primary" onClick={() => void download()}>
              {t.bulk.download}
            </button>
          ) : null}
        </div>
      </form>
      <ErrorAlert t={t} error={error} />
      <p class="status" role="status">
        {s && (phase === 'checked' || phase === 'created') ? summaryText(t, lang, phase, s) : ''}
        {s && phase === 'checked' && ready === 0 ? ` ${t.bulk.nothingToCreate}` : ''}
      </p>
      {result ? <RowsTable rows={result.rows} /> : null}
    </section>
  );
}

function RowsTable({ rows }: { rows: Row[] }) {
  const { t } = useSession();
  const at = (row: Row, column: 'companyName' | 'email') => row.errors.filter((e) => e.field === FIELD_OF_COLUMN[column]);
  const elsewhere = (row: Row) => row.errors.filter((e) => e.field !== FIELD_OF_COLUMN.companyName && e.field !== FIELD_OF_COLUMN.email);
  const cellErrors = (errors: Row['errors'], named: boolean) =>
    errors.length ? (
      <ul class="cell-errors">
        {errors.map((e) => (
          <li key={`${e.field}:${e.message}`}>{named ? `${COLUMN_OF_FIELD.get(e.field) ?? e.field}: ${e.message}` : e.message}</li>
        ))}
      </ul>
    ) : null;
  return (
    <table class="rows">
      <caption>{t.bulk.results}</caption>
      <thead>
        <tr>
          <th scope="col">{t.bulk.row}</th>
          <th scope="col">{t.invite.companyName}</th>
          <th scope="col">{t.invite.email}</th>
          <th scope="col">{t.bulk.other}</th>
          <th scope="col">{t.bulk.status}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.row} class={row.errors.length ? 'has-errors' : undefined}>
            <th scope="row" data-label={t.bulk.row}>
              {row.line !== undefined ? `${row.row} (${t.bulk.line.toLowerCase()} ${row.line})` : row.row}
            </th>
            <td data-label={t.invite.companyName}>
              {row.companyName}
              {cellErrors(at(row, 'companyName'), false)}
            </td>
            <td data-label={t.invite.email}>
              {row.email}
              {cellErrors(at(row, 'email'), false)}
            </td>
            <td data-label={t.bulk.other}>{cellErrors(elsewhere(row), true)}</td>
            <td data-label={t.bulk.status}>{t.bulkStatus[row.status] ?? row.status}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
