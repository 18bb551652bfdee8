/** A customer's record: details and delegated admin, its activity, and Account → Remove customer relationship. */
import { useRef, useState } from 'preact/hooks';
import type { Relationship } from '../../../src/client';
import { useSession } from '../context';
import { fill, formatDate } from '../i18n';
import { Dialog, ErrorAlert, Loading, ScreenHeading } from '../ui';
import { useLoad } from '../useLoad';
import { AccessPanel } from './Access';

type Tab = 'details' | 'activity' | 'account';
const TABS: Tab[] = ['details', 'activity', 'account'];

export function Customer({ id }: { id: string }) {
  const { t, api } = useSession();
  const { data: rel, error, update } = useLoad((signal) => api.getRelationship(id, { signal }), [api, id]);
  const [tab, setTab] = useState<Tab>('details');
  const tabRefs = useRef<Record<Tab, HTMLButtonElement | null>>({ details: null, activity: null, account: null });

  // Tabs (WAI-ARIA tabs pattern): arrow keys, Home and End move between them.
  const onTabKey = (e: KeyboardEvent) => {
    const i = TABS.indexOf(tab);
    const next =
      e.key === 'ArrowRight'
        ? TABS[(i + 1) % TABS.length]
        : e.key === 'ArrowLeft'
          ? TABS[(i + TABS.length - 1) % TABS.length]
          : e.key === 'Home'
            ? TABS[0]
            : e.key === 'End'
              ? TABS[TABS.length - 1]
              : undefined;
    if (!next) return;
    e.preventDefault();
    setTab(next);
    tabRefs.current[next]?.focus();
  };

  if (error && !rel)
    return (
      <section aria-labelledby="screen-title">
        <ScreenHeading>{t.customers.title}</ScreenHeading>
        <ErrorAlert t={t} error={error} />
        <p>
          <a href="#/customers">{t.app.backToCustomers}</a>
        </p>
      </section>
    );
  if (!rel) return <Loading t={t} />;
  return (
    <section aria-labelledby="screen-title">
      <p class="crumb">
        <a href={rel.status === 'removed' ? '#/customers?status=removed' : '#/customers'}>{t.app.backToCustomers}</a>
      </p>
      <ScreenHeading>{rel.companyName}</ScreenHeading>
      <div role="tablist" aria-label={t.customer.tabs} class="tabs" onKeyDown={onTabKey}>
        {TABS.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`tab-${name}`}
            aria-selected={tab === name}
            aria-controls={`panel-${name}`}
            tabIndex={tab === name ? 0 : -1}
            ref={(el) => {
              tabRefs.current[name] = el;
            }}
            onClick={() => setTab(name)}
          >
            {t.customer[name]}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} class="panel">
        {tab === 'details' ? (
          <Details rel={rel} onChange={(r) => update(() => r)} />
        ) : tab === 'activity' ? (
          <Activity customerId={rel.customerId} />
        ) : (
          <Account rel={rel} onChange={(r) => update(() => r)} />
        )}
      </div>
    </section>
  );
}

function Details({ rel, onChange }: { rel: Relationship; onChange: (r: Relationship) => void }) {
  const { t, lang, partner, roles } = useSession();
  const da = rel.delegatedAdmin;
  const providerName = (pid: string | undefined) => partner.indirectProviders?.find((p) => p.id === pid)?.name ?? pid;
  const roleName = (rid: string) => roles?.find((r) => r.id === rid)?.name[lang] ?? rid;
  const row = (label: string, value: string | undefined) =>
    value ? (
      <div class="pair">
        <dt>{label}</dt>
        <dd>{value}</dd>
      </div>
    ) : null;
  return (
    <>
      <dl class="pairs">
        {row(t.customer.company, rel.companyName)}
        {row(t.customer.domain, rel.domain)}
        {row(t.customer.tenantId, rel.customerId)}
        {row(t.customer.relationship, t.roles[rel.role])}
        {row(t.customer.status, rel.status === 'active' ? t.customers.active : t.customers.removed)}
        {row(t.customer.established, formatDate(lang, rel.establishedAt))}
        {row(t.customer.provider, rel.indirectProviderId ? providerName(rel.indirectProviderId) : undefined)}
        {row(t.customer.reseller, rel.resellerId)}
        {row(t.customer.removedAt, formatDate(lang, rel.removedAt))}
        {row(t.customer.removedBy, rel.removedBy?.name)}
      </dl>
      <h2>{t.customer.delegatedAdmin}</h2>
      <dl class="pairs">
        {row(t.customer.daStatus, t.customer[da.status] ?? da.status)}
        {da.roles.length > 0 ? (
          <div class="pair">
            <dt>{t.customer.daRoles}</dt>
            <dd>
              <ul class="plain">
                {da.roles.map((r) => (
                  <li key={r}>{roleName(r)}</li>
                ))}
              </ul>
            </dd>
          </div>
        ) : null}
        {row(t.customer.daGranted, formatDate(lang, da.grantedAt))}
        {row(t.customer.daEnds, formatDate(lang, da.endsAt))}
        {row(t.customer.daAutoExtend, da.autoExtend ? t.customer.yes : t.customer.no)}
        {row(t.customer.daRevoked, formatDate(lang, da.revokedAt))}
      </dl>
      <AccessPanel rel={rel} onChange={onChange} />
    </>
  );
}

function Activity({ customerId }: { customerId: string }) {
  const { t, lang, api } = useSession();
  const { data: events, error } = useLoad(
    async (signal) => (await api.listAuditEvents({ customerId, pageSize: 50 }, { signal })).items,
    [api, customerId],
  );
  if (error) return <ErrorAlert t={t} error={error} />;
  if (!events) return <Loading t={t} />;
  if (events.length === 0) return <p class="empty">{t.customer.activityEmpty}</p>;
  return (
    <ol class="timeline">
      {events.map((e) => (
        <li key={e.id}>
          <strong>{t.audit[e.action] ?? e.action}</strong>
          <span class="muted small">
            <time dateTime={e.at}>{formatDate(lang, e.at)}</time> · {e.actor.name}
          </span>
        </li>
      ))}
    </ol>
  );
}

function Account({ rel, onChange }: { rel: Relationship; onChange: (r: Relationship) => void }) {
  const { t } = useSession();
  const [open, setOpen] = useState(false);
  if (rel.status === 'removed') return <p>{t.customer.alreadyRemoved}</p>;
  return (
    <>
      <p>{t.customer.accountIntro}</p>
      <button type="button" class="danger" onClick={() => setOpen(true)}>
        {t.customer.remove}
      </button>
      {open ? <RemoveDialog rel={rel} onClose={() => setOpen(false)} onRemoved={onChange} /> : null}
    </>
  );
}

function RemoveDialog({ rel, onClose, onRemoved }: { rel: Relationship; onClose: () => void; onRemoved: (r: Relationship) => void }) {
  const { t, api, navigate, setNotice } = useSession();
  const [confirmed, setConfirmed] = useState(false);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!confirmed) {
      setMissing(true);
      document.getElementById('removal-confirm')?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const removed = await api.removeRelationship(
        rel.customerId,
        { attestGoodFaith: true, ...(reason.trim() ? { reason: reason.trim() } : {}) },
        { ifMatch: rel.etag },
      );
      onRemoved(removed);
      setNotice(fill(t.customers.removedNotice, { company: rel.companyName, notice: removed.notice }));
      navigate('#/customers');
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog titleId="removal-title" describedBy="removal-statement" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <h2 id="removal-title">{t.removal.title}</h2>
        <p class="strong">{rel.companyName}</p>
        <p>{t.removal.statementIntro}</p>
        <blockquote id="removal-statement" class="statement">
          {t.removal.statement}
        </blockquote>
        <div class="check">
          <input
            id="removal-confirm"
            type="checkbox"
            required
            checked={confirmed}
            aria-invalid={missing && !confirmed}
            aria-describedby={missing && !confirmed ? 'removal-confirm-error' : undefined}
            onChange={(e) => setConfirmed(e.currentTarget.checked)}
          />
          <label for="removal-confirm">{t.removal.confirm}</label>
        </div>
        {missing && !confirmed ? (
          <p id="removal-confirm-error" class="field-error">
            {t.removal.confirmRequired}
          </p>
        ) : null}
        <div class="field">
          <label for="removal-reason">{t.removal.reason}</label>
          <textarea
            id="removal-reason"
            rows={3}
            maxLength={500}
            value={reason}
            aria-describedby="removal-reason-hint"
            onInput={(e) => setReason(e.currentTarget.value)}
          />
          <p id="removal-reason-hint" class="hint">
            {t.removal.reasonHint}
          </p>
        </div>
        <ErrorAlert t={t} error={error} />
        <div class="actions">
          <button type="submit" class="danger" disabled={busy}>
            {busy ? t.removal.removing : t.removal.remove}
          </button>
          <button type="button" onClick={onClose}>
            {t.removal.cancel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
