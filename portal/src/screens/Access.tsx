/**
 * A customer's delegated admin, the partner's controls: when access ends (and whether that is
 * soon), **Change access** (other roles or a new duration, asked of the customer: the request's
 * draft to copy, open in email or send, its status, Revoke) and **Remove roles** (fewer roles need
 * no consent).
 */
import { useEffect, useState } from 'preact/hooks';
import type { AccessRequest, Relationship } from '../../../src/client';

import { useSession } from '../context';
import { mailtoHref } from '../draftText';
import { counted, fill, formatDate } from '../i18n';
import { Dialog, ErrorAlert } from '../ui';

const DAY = 86_400_000;
/** The widest warning the service sends before a grant ends (delegatedAdmin.endingSoon). */
const ENDING_SOON_DAYS = 30;

export function AccessPanel({ rel, onChange }: { rel: Relationship; onChange: (r: Relationship) => void }) {
  const { t, lang, api } = useSession();
  const [request, setRequest] = useState<AccessRequest | undefined>();
  const [dialog, setDialog] = useState<'change' | 'reduce' | undefined>();
  const [status, setStatus] = useState('');
  const da = rel.delegatedAdmin;
  const held = da.status === 'granted' ? (da.roles ?? []) : [];

  useEffect(() => {
    const ac = new AbortController();
    api.listAccessRequests(rel.customerId, { pageSize: 1 }, { signal: ac.signal }).then(
      (page) => setRequest(page.items[0]),
      () => undefined, // A service without access requests: the panel offers what it can.
    );
    return () => ac.abort();
  }, [api, rel.customerId]);

  if (rel.status !== 'active') return null;
  const daysLeft = da.endsAt ? Math.ceil((Date.parse(da.endsAt) - Date.now()) / DAY) : undefined;
  const endingSoon = da.status === 'granted' && !da.autoExtend && daysLeft !== undefined && daysLeft <= ENDING_SOON_DAYS;
  const changeable = da.status === 'granted' || da.status === 'expired';

  return (
    <section aria-labelledby="access-title" class="access">
      <h2 id="access-title">{t.access.title}</h2>
      {endingSoon ? (
        <p class="notice">
          {fill(t.access.endingSoon, { days: counted(lang, Math.max(daysLeft ?? 0, 0), t.counts.days), date: formatDate(lang, da.endsAt) })}
        </p>
      ) : null}
      {request ? <RequestStatus request={request} onChange={setRequest} /> : null}
      <div class="actions">
        {changeable ? (
          <button type="button" onClick={() => setDialog('change')}>
            {t.access.change}
          </button>
        ) : null}
        {held.length > 1 ? (
          <button type="button" onClick={() => setDialog('reduce')}>
            {t.access.reduce}
          </button>
        ) : null}
      </div>
      <p role="status" class="status">
        {status}
      </p>
      {dialog === 'change' ? (
        <ChangeDialog
          rel={rel}
          onClose={() => setDialog(undefined)}
          onAsked={(r) => {
            setRequest(r);
            setDialog(undefined);
            setStatus(t.access.asked);
          }}
        />
      ) : null}
      {dialog === 'reduce' ? (
        <ReduceDialog
          rel={rel}
          onClose={() => setDialog(undefined)}
          onReduced={(r) => {
            onChange(r);
            setDialog(undefined);
            setStatus(t.access.reduced);
          }}
        />
      ) : null}
    </section>
  );
}

function RequestStatus({ request, onChange }: { request: AccessRequest; onChange: (r: AccessRequest) => void }) {
  const { t, lang, api, emailConfigured, roles } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState('');
  const name = (id: string) => roles?.find((r) => r.id === id)?.name[lang] ?? id;
  const act = async (work: () => Promise<AccessRequest>, done: string) => {
    setBusy(true);
    setError(undefined);
    try {
      onChange(await work());
      setNote(done);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setNote(t.draft.copied);
    } catch {
      setNote(t.draft.copyFailed);
    }
  };
  const pending = request.status === 'pending' && request.url && request.draft;
  return (
    <div class="card" aria-labelledby="request-title">
      <h3 id="request-title">{fill(t.access.requestStatus, { status: t.accessStatus[request.status] ?? request.status })}</h3>
      <dl class="pairs">
        {request.added.length ? (
          <div class="pair">
            <dt>{t.access.added}</dt>
            <dd>{request.added.map(name).join(', ')}</dd>
          </div>
        ) : null}
        {request.removed.length ? (
          <div class="pair">
            <dt>{t.access.removed}</dt>
            <dd>{request.removed.map(name).join(', ')}</dd>
          </div>
        ) : null}
        {request.approvedRoles ? (
          <div class="pair">
            <dt>{t.access.approved}</dt>
            <dd>{request.approvedRoles.map(name).join(', ') || t.access.none}</dd>
          </div>
        ) : null}
        <div class="pair">
          <dt>{t.access.duration}</dt>
          <dd>{fill(t.access.days, { days: counted(lang, Number(request.requested.duration.replace(/\D/g, '')), t.counts.days) })}</dd>
        </div>
        {pending ? (
          <div class="pair">
            <dt>{t.access.link}</dt>
            <dd class="break">
              <code>{request.url}</code>
              <span class="hint link-expiry">{fill(t.draft.expires, { date: formatDate(lang, request.expiresAt, false) })}</span>
            </dd>
          </div>
        ) : null}
      </dl>
      {pending && request.draft ? (
        <div class="actions">
          <button type="button" onClick={() => void copy(request.draft!.text)}>
            {t.draft.copy}
          </button>
          <a class="button" href={mailtoHref(request.draft.to, request.draft.subject, request.draft.text)}>
            {t.draft.openEmail}
          </a>
          {emailConfigured ? (
            <button
              type="button"
              class="primary"
              disabled={busy || request.email.status === 'sent'}
              onClick={() =>
                void act(() => api.sendAccessRequest(request.customerId, request.id), fill(t.draft.sent, { to: request.draft!.to }))
              }
            >
              {t.draft.send}
            </button>
          ) : null}
          <button
            type="button"
            class="danger"
            disabled={busy}
            onClick={() =>
              void act(
                () => api.revokeAccessRequest(request.customerId, request.id, { headers: { 'Content-Type': 'application/json' } }),
                t.access.revoked,
              )
            }
          >
            {t.access.revoke}
          </button>
        </div>
      ) : null}
      <p role="status" class="status">
        {note}
      </p>
      <ErrorAlert t={t} error={error} />
    </div>
  );
}

function ChangeDialog({ rel, onClose, onAsked }: { rel: Relationship; onClose: () => void; onAsked: (r: AccessRequest) => void }) {
  const { t, lang, api, roles } = useSession();
  const da = rel.delegatedAdmin;
  const [chosen, setChosen] = useState<string[]>(da.status === 'granted' ? (da.roles ?? []) : []);
  const [days, setDays] = useState('90');
  const [autoExtend, setAutoExtend] = useState(Boolean(da.autoExtend));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const n = Number(days);
  const daysOk = Number.isInteger(n) && n >= 1 && n <= 730;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!daysOk || chosen.length === 0) return;
    setBusy(true);
    setError(undefined);
    try {
      onAsked(await api.requestAccessChange(rel.customerId, { roles: chosen, duration: `P${n}D`, autoExtend }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog titleId="change-title" describedBy="change-intro" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <h2 id="change-title">{t.access.change}</h2>
        <p id="change-intro">{fill(t.access.changeIntro, { company: rel.companyName })}</p>
        <fieldset class="field roles">
          <legend>{t.invite.access}</legend>
          {(roles ?? []).map((r) => (
            <div class="check" key={r.id}>
              <input
                id={`change-role-${r.id}`}
                type="checkbox"
                checked={chosen.includes(r.id)}
                onChange={(e) => setChosen(e.currentTarget.checked ? [...chosen, r.id] : chosen.filter((x) => x !== r.id))}
              />
              <label for={`change-role-${r.id}`}>
                {r.name[lang]}
                {r.privileged ? <span class="badge">{t.invite.privileged}</span> : null}
              </label>
            </div>
          ))}
          {chosen.length === 0 ? <p class="field-error">{t.access.pickRole}</p> : null}
        </fieldset>
        <div class="field">
          <label for="change-duration">{t.invite.duration}</label>
          <input
            id="change-duration"
            type="number"
            min={1}
            max={730}
            value={days}
            aria-invalid={daysOk ? undefined : true}
            aria-describedby="change-duration-hint"
            onInput={(e) => setDays(e.currentTarget.value)}
          />
          <p id="change-duration-hint" class="hint">
            {t.access.durationHint}
          </p>
        </div>
        <div class="check">
          <input id="change-autoExtend" type="checkbox" checked={autoExtend} onChange={(e) => setAutoExtend(e.currentTarget.checked)} />
          <label for="change-autoExtend">{t.invite.autoExtend}</label>
        </div>
        <ErrorAlert t={t} error={error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || !daysOk || chosen.length === 0}>
            {t.access.ask}
          </button>
          <button type="button" onClick={onClose}>
            {t.removal.cancel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ReduceDialog({ rel, onClose, onReduced }: { rel: Relationship; onClose: () => void; onReduced: (r: Relationship) => void }) {
  const { t, lang, api, roles } = useSession();
  const held = rel.delegatedAdmin.roles ?? [];
  const [kept, setKept] = useState<string[]>(held);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const name = (id: string) => roles?.find((r) => r.id === id)?.name[lang] ?? id;
  const valid = kept.length > 0 && kept.length < held.length;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!valid) return;
    setBusy(true);
    setError(undefined);
    try {
      onReduced(await api.changeDelegatedAdmin(rel.customerId, { roles: kept }, { ifMatch: rel.etag }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog titleId="reduce-title" describedBy="reduce-intro" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <h2 id="reduce-title">{t.access.reduce}</h2>
        <p id="reduce-intro">{t.access.reduceIntro}</p>
        <fieldset class="field roles">
          <legend>{t.access.keep}</legend>
          {held.map((id) => (
            <div class="check" key={id}>
              <input
                id={`keep-role-${id}`}
                type="checkbox"
                checked={kept.includes(id)}
                onChange={(e) => setKept(e.currentTarget.checked ? [...kept, id] : kept.filter((x) => x !== id))}
              />
              <label for={`keep-role-${id}`}>{name(id)}</label>
            </div>
          ))}
        </fieldset>
        <ErrorAlert t={t} error={error} />
        <div class="actions">
          <button type="submit" class="danger" disabled={busy || !valid}>
            {t.access.reduceSubmit}
          </button>
          <button type="button" onClick={onClose}>
            {t.removal.cancel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
