/**
 * The draft review: the partner edits the subject and message (the link must stay in it, checked
 * as it types), then copies it, opens it in its own email app (mailto:), or sends it through the
 * service when it has email; Done returns to Customers.
 */
import { useState } from 'preact/hooks';
import type { Invitation } from '../../../src/client';
import { useSession } from '../context';
import { fill, formatDate } from '../i18n';
import { mailtoHref, messageHtml } from '../draftText';
import { ErrorAlert, Loading, ScreenHeading } from '../ui';
import { useLoad } from '../useLoad';

export function Draft({ id }: { id: string }) {
  const { t, api, lastInvitation } = useSession();
  const cached = lastInvitation.current?.id === id ? lastInvitation.current : undefined;
  const { data: inv, error } = useLoad((signal) => api.getInvitation(id, { signal }), [api, id], cached);

  if (error && !inv)
    return (
      <section aria-labelledby="screen-title">
        <ScreenHeading>{t.draft.title}</ScreenHeading>
        <ErrorAlert t={t} error={error} />
      </section>
    );
  if (!inv) return <Loading t={t} />;
  if (inv.status !== 'pending' || !inv.draft || !inv.url)
    return (
      <section aria-labelledby="screen-title">
        <ScreenHeading>{t.draft.title}</ScreenHeading>
        <p class="notice">{fill(t.draft.notPending, { status: (t.invitationStatus[inv.status] ?? inv.status).toLowerCase() })}</p>
        <p>
          <a href="#/invitations">{t.nav.invitations}</a>
        </p>
      </section>
    );
  return <Editor loaded={inv} url={inv.url} draft={inv.draft} />;
}

/** The editor of a pending invitation's draft: it starts from the service's text. */
function Editor({ loaded, url, draft }: { loaded: Invitation; url: string; draft: NonNullable<Invitation['draft']> }) {
  const { t, lang, api, emailConfigured, navigate } = useSession();
  const [inv, setInv] = useState(loaded);
  const [subject, setSubject] = useState(draft.subject);
  const [text, setText] = useState(draft.text);
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  const linkOk = text.includes(url);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus(t.draft.copied);
    } catch {
      setStatus(t.draft.copyFailed);
    }
  };
  const send = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const edited = text !== draft.text;
      const sent = await api.sendInvitation(inv.id, {
        ...(subject !== draft.subject ? { subject } : {}),
        ...(edited ? { text, html: messageHtml(text, url) } : {}),
      });
      setInv(sent);
      setStatus(fill(t.draft.sent, { to: draft.to }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const alreadySent = inv.email.status === 'sent';

  return (
    <section aria-labelledby="screen-title">
      <ScreenHeading>{t.draft.title}</ScreenHeading>
      <p>{t.draft.intro}</p>
      <dl class="pairs">
        <div class="pair">
          <dt>{t.draft.to}</dt>
          <dd>{draft.to}</dd>
        </div>
        <div class="pair">
          <dt>{t.draft.link}</dt>
          <dd class="break">
            <code>{url}</code>
            <span class="hint link-expiry">{fill(t.draft.expires, { date: formatDate(lang, inv.expiresAt, false) })}</span>
          </dd>
        </div>
      </dl>
      <div class="field">
        <label for="draft-subject">{t.draft.subject}</label>
        <input id="draft-subject" type="text" value={subject} maxLength={256} onInput={(e) => setSubject(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="draft-message">{t.draft.message}</label>
        <textarea
          id="draft-message"
          rows={14}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          aria-invalid={!linkOk}
          aria-describedby={linkOk ? undefined : 'draft-link-error'}
        />
        {linkOk ? null : (
          <div id="draft-link-error" class="field-error" role="alert">
            <p>{fill(t.draft.linkMissing, { url })}</p>
            <button type="button" onClick={() => setText(`${text.replace(/\s+$/, '')}\n\n${url}\n`)}>
              {t.draft.insertLink}
            </button>
          </div>
        )}
      </div>
      <div class="actions">
        <button type="button" disabled={!linkOk} onClick={() => void copy()}>
          {t.draft.copy}
        </button>
        {linkOk ? (
          <a class="button" href={mailtoHref(draft.to, subject, text)}>
            {t.draft.openEmail}
          </a>
        ) : (
          <a class="button" aria-disabled="true" role="link">
            {t.draft.openEmail}
          </a>
        )}
        {emailConfigured ? (
          <button type="button" class="primary" disabled={!linkOk || busy || alreadySent} onClick={() => void send()}>
            {busy ? t.draft.sending : t.draft.send}
          </button>
        ) : null}
        <button type="button" class={emailConfigured ? '' : 'primary'} onClick={() => navigate('#/customers')}>
          {t.draft.done}
        </button>
      </div>
      <p role="status" class="status">
        {status}
      </p>
      <ErrorAlert t={t} error={error} />
    </section>
  );
}
