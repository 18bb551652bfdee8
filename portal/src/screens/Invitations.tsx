/** Invitations: by status, with expiry and email delivery; Copy link and Revoke while pending. */
import { useState } from 'preact/hooks';
import type { Invitation } from '../../../src/client';
import { useSession } from '../context';
import { fill, formatDate } from '../i18n';
import { ErrorAlert, Loading, ScreenHeading } from '../ui';
import { ExportCsv } from './ExportCsv';
import { useLoad } from '../useLoad';

const STATUSES = ['all', 'pending', 'accepted', 'declined', 'revoked', 'expired'] as const;
type Status = (typeof STATUSES)[number];

export function Invitations({ status }: { status: Status }) {
  const { t, lang, api, partner, navigate } = useSession();
  const list = useLoad((signal) => api.listInvitations({ status, pageSize: 25 }, { signal }), [api, status]);
  const items = list.data?.items;
  const next = list.data?.continuationToken;
  // The failure of an action (More, Revoke); the list stays.
  const [failure, setFailure] = useState<unknown>();
  const error = list.error ?? failure;
  const [message, setMessage] = useState('');

  const more = async (continuationToken: string) => {
    setFailure(undefined);
    try {
      const page = await api.listInvitations({ status, pageSize: 25, continuationToken });
      list.update((prev) => ({ items: [...(prev?.items ?? []), ...page.items], continuationToken: page.continuationToken }));
    } catch (err) {
      setFailure(err);
    }
  };
  const replace = (inv: Invitation) =>
    list.update((prev) => prev && { ...prev, items: prev.items.map((i) => (i.id === inv.id ? inv : i)) });
  const copyLink = async (inv: Invitation) => {
    try {
      await navigator.clipboard.writeText(inv.url ?? '');
      setMessage(fill(t.invitations.linkCopied, { company: inv.customer.companyName }));
    } catch {
      setMessage(t.draft.copyFailed);
    }
  };
  const revoke = async (inv: Invitation) => {
    setFailure(undefined);
    try {
      // The session cookie of the local runner asks for JSON on every change, body or not.
      replace(await api.revokeInvitation(inv.id, { headers: { 'Content-Type': 'application/json' } }));
      setMessage(fill(t.invitations.revoked, { company: inv.customer.companyName }));
    } catch (err) {
      setFailure(err);
    }
  };
  const providerName = (id: string | undefined) => partner.indirectProviders?.find((p) => p.id === id)?.name ?? id ?? '';
  const emailText = (inv: Invitation) =>
    inv.email.status === 'sent'
      ? fill(t.emailStatus.sent, { date: formatDate(lang, inv.email.sentAt) })
      : inv.email.status === 'failed'
        ? fill(t.emailStatus.failed, { error: inv.email.error ?? '' })
        : t.emailStatus.notSent;

  return (
    <section aria-labelledby="screen-title">
      <ScreenHeading>{t.invitations.title}</ScreenHeading>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="invitation-status">{t.invitations.status}</label>
          <select
            id="invitation-status"
            value={status}
            onChange={(e) => navigate(e.currentTarget.value === 'all' ? '#/invitations' : `#/invitations?status=${e.currentTarget.value}`)}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s === 'all' ? t.invitations.all : t.invitationStatus[s]}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ExportCsv list="listInvitations" filter={{ status }} name="invitations" />
      <p role="status" class="status">
        {message}
      </p>
      <ErrorAlert t={t} error={error} />
      {!items && !error ? <Loading t={t} /> : null}
      {items && items.length === 0 ? <p class="empty">{t.invitations.empty}</p> : null}
      {items && items.length > 0 ? (
        <ul class="cards" aria-label={t.invitations.title}>
          {items.map((inv) => (
            <li key={inv.id} class="card" aria-labelledby={`inv-${inv.id}`}>
              <span class="card-title" id={`inv-${inv.id}`}>
                {inv.customer.companyName}
                {inv.kind === 'resellerAndIndirectProvider' ? (
                  <span class="muted"> ({fill(t.invitations.kindCombined, { provider: providerName(inv.indirectProviderId) })})</span>
                ) : null}
              </span>
              <span class="muted">{inv.customer.email}</span>
              <dl class="inline">
                <div>
                  <dt>{t.invitations.status}</dt>
                  <dd>
                    <span class={`tag tag-${inv.status}`}>{t.invitationStatus[inv.status] ?? inv.status}</span>
                  </dd>
                </div>
                <div>
                  <dt>{t.invitations.expires}</dt>
                  <dd>{formatDate(lang, inv.expiresAt, false)}</dd>
                </div>
                <div>
                  <dt>{t.invitations.email}</dt>
                  <dd>{emailText(inv)}</dd>
                </div>
              </dl>
              {inv.status === 'pending' ? (
                <div class="actions" role="group" aria-label={`${t.invitations.actions}: ${inv.customer.companyName}`}>
                  <a class="button" href={`#/invitations/${inv.id}/review`}>
                    {t.invitations.review}
                  </a>
                  <button type="button" onClick={() => void copyLink(inv)}>
                    {t.invitations.copyLink}
                  </button>
                  <button type="button" class="danger" onClick={() => void revoke(inv)}>
                    {t.invitations.revoke}
                  </button>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {next ? (
        <button type="button" onClick={() => void more(next)}>
          {t.invitations.more}
        </button>
      ) : null}
    </section>
  );
}

export function parseInvitationStatus(v: string | null): Status {
  return (STATUSES as readonly string[]).includes(v ?? '') ? (v as Status) : 'all';
}
