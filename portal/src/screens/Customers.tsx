/** Customers: the partner's relationships by company name, searchable, active or removed, page by page. */
import { useEffect, useState } from 'preact/hooks';
import { useSession } from '../context';
import { fill, formatDate } from '../i18n';
import { ErrorAlert, Loading, ScreenHeading } from '../ui';
import { ExportCsv } from './ExportCsv';
import { useLoad } from '../useLoad';

const PAGE_SIZE = 20;
type Status = 'active' | 'removed';

export function Customers({ status }: { status: Status }) {
  const { t, lang, api, navigate, notice } = useSession();
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  // The tokens of the pages before this one: Previous goes back through them.
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);

  // Searching waits for a pause in typing.
  useEffect(() => {
    const timer = setTimeout(() => setQuery(q.trim()), 250);
    return () => clearTimeout(timer);
  }, [q]);
  useEffect(() => setTokens([undefined]), [query, status]);

  const token = tokens[tokens.length - 1];
  const { data: page, error } = useLoad(
    (signal) => api.listRelationships({ status, q: query || undefined, pageSize: PAGE_SIZE, continuationToken: token }, { signal }),
    [api, status, query, token],
  );

  const empty = status === 'removed' ? t.customers.emptyRemoved : query ? fill(t.customers.emptySearch, { q: query }) : t.customers.empty;
  return (
    <section aria-labelledby="screen-title">
      <ScreenHeading>{t.customers.title}</ScreenHeading>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="customer-search">{t.customers.search}</label>
          <input id="customer-search" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} autoComplete="off" />
        </div>
        <div class="field">
          <label for="customer-status">{t.customers.status}</label>
          <select
            id="customer-status"
            value={status}
            onChange={(e) => navigate(e.currentTarget.value === 'removed' ? '#/customers?status=removed' : '#/customers')}
          >
            <option value="active">{t.customers.active}</option>
            <option value="removed">{t.customers.removed}</option>
          </select>
        </div>
      </form>
      <ExportCsv list="listRelationships" filter={{ status, q: query || undefined }} name="customers" />
      <ErrorAlert t={t} error={error} />
      {!page && !error ? <Loading t={t} /> : null}
      {page && page.items.length === 0 ? <p class="empty">{empty}</p> : null}
      {page && page.items.length > 0 ? (
        <ul class="cards" aria-label={t.customers.title}>
          {page.items.map((r) => (
            <li key={r.customerId} class="card">
              <a class="card-title" href={`#/customers/${r.customerId}`}>
                {r.companyName}
              </a>
              <span class="muted">{r.domain ?? r.customerId}</span>
              <span class="small">
                {t.roles[r.role]} ·{' '}
                {r.status === 'removed'
                  ? `${t.customers.removedAt} ${formatDate(lang, r.removedAt, false)}`
                  : `${t.customers.established} ${formatDate(lang, r.establishedAt, false)}`}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {page && (tokens.length > 1 || page.continuationToken) ? (
        <nav class="pager" aria-label={fill(t.customers.page, { n: tokens.length })}>
          <button type="button" disabled={tokens.length <= 1} onClick={() => setTokens(tokens.slice(0, -1))}>
            {t.customers.previous}
          </button>
          <span>{fill(t.customers.page, { n: tokens.length })}</span>
          <button type="button" disabled={!page.continuationToken} onClick={() => setTokens([...tokens, page.continuationToken])}>
            {t.customers.next}
          </button>
        </nav>
      ) : null}
    </section>
  );
}
