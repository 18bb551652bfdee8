/**
 * Webhooks: register the partner's one receiver (URL, events, on/off), see its signing secret
 * once, rotate it, send a test event, see the endpoint's health (healthy, failing, disabled),
 * and follow the deliveries (redeliver a failed one).
 */
import { useEffect, useState } from 'preact/hooks';
import { isApiError, type Delivery, type Webhook, type WebhookInput } from '../../../src/client';
// The event types a partner can subscribe to: the service's own list (a module without imports).
import { AUDIT_ACTIONS, isAuditAction, type AuditAction } from '../../../src/domain/eventTypes';
import { useSession } from '../context';
import { fill, formatDate } from '../i18n';
import { ErrorAlert, Loading, ScreenHeading } from '../ui';

// The local runner's session cookie asks for JSON on every change, body or not.
const JSON_HEADERS = { headers: { 'Content-Type': 'application/json' } };

export function Webhooks() {
  const { t, lang, api } = useSession();
  const [webhook, setWebhook] = useState<Webhook | null | undefined>();
  const [url, setUrl] = useState('');
  const [all, setAll] = useState(true);
  const [types, setTypes] = useState<AuditAction[]>([]);
  const [enabled, setEnabled] = useState(true);
  const [secret, setSecret] = useState<string | undefined>();
  const [deliveries, setDeliveries] = useState<Delivery[] | undefined>();
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState('');

  const show = (w: Webhook | null) => {
    setWebhook(w);
    if (!w) return;
    setUrl(w.url);
    setAll(w.events.includes('*'));
    setTypes(w.events.filter(isAuditAction));
    setEnabled(w.enabled);
  };
  const loadDeliveries = (continuationToken?: string) =>
    api.listDeliveries({ pageSize: 20, continuationToken }).then((page) => {
      setDeliveries((prev) => (continuationToken ? [...(prev ?? []), ...page.items] : page.items));
      setNext(page.continuationToken);
    }, setError);
  const act = async (work: () => Promise<void>) => {
    setError(undefined);
    setMessage('');
    try {
      await work();
    } catch (err) {
      setError(err);
    }
  };

  useEffect(() => {
    api.getWebhook().then(
      (w) => {
        show(w);
        void loadDeliveries();
      },
      (err: unknown) => (isApiError(err) && err.status === 404 ? show(null) : setError(err)),
    );
  }, [api]);

  const save = (e: Event) => {
    e.preventDefault();
    void act(async () => {
      const events: WebhookInput['events'] = all ? ['*'] : types;
      const saved = await api.putWebhook({ url, events, enabled });
      if ('secret' in saved) setSecret(saved.secret);
      show(saved);
      setMessage(t.webhooks.saved);
    });
  };
  const copySecret = () =>
    void act(async () => {
      await navigator.clipboard.writeText(secret ?? '');
      setMessage(t.webhooks.secretCopied);
    });
  const rotate = () =>
    void act(async () => {
      const rotated = await api.rotateWebhookSecret(JSON_HEADERS);
      setSecret(rotated.secret);
      setMessage(fill(t.webhooks.rotated, { date: formatDate(lang, rotated.previousSecretExpiresAt) }));
    });
  const test = () =>
    void act(async () => {
      const { eventId } = await api.testWebhook(JSON_HEADERS);
      setMessage(fill(t.webhooks.tested, { id: eventId }));
      // A test event closes the endpoint's circuit: its health is read again.
      show(await api.getWebhook());
      await loadDeliveries();
    });
  const remove = () =>
    void act(async () => {
      await api.deleteWebhook(JSON_HEADERS);
      show(null);
      setSecret(undefined);
      setDeliveries(undefined);
      setMessage(t.webhooks.removed);
    });
  const redeliver = (d: Delivery) =>
    void act(async () => {
      await api.redeliver(d.eventId, JSON_HEADERS);
      setMessage(fill(t.webhooks.redelivering, { id: d.eventId }));
      await loadDeliveries();
    });
  const toggle = (type: AuditAction, on: boolean) => setTypes(on ? [...types, type] : types.filter((x) => x !== type));

  return (
    <section aria-labelledby="screen-title">
      <ScreenHeading>{t.webhooks.title}</ScreenHeading>
      <p>{t.webhooks.intro}</p>
      <p role="status" class="status">
        {message}
      </p>
      <ErrorAlert t={t} error={error} />
      {webhook === undefined && !error ? <Loading t={t} /> : null}
      {webhook === null ? <p class="empty">{t.webhooks.none}</p> : null}
      {webhook !== undefined ? (
        <form class="form" onSubmit={save}>
          <div class="field">
            <label for="webhook-url">{t.webhooks.url}</label>
            <input
              id="webhook-url"
              type="url"
              required
              value={url}
              aria-describedby="webhook-url-hint"
              onInput={(e) => setUrl(e.currentTarget.value)}
            />
            <p id="webhook-url-hint" class="hint">
              {t.webhooks.urlHint}
            </p>
          </div>
          <fieldset class="field roles">
            <legend>{t.webhooks.events}</legend>
            <div class="check">
              <input id="events-all" type="checkbox" checked={all} onChange={(e) => setAll(e.currentTarget.checked)} />
              <label for="events-all">{t.webhooks.allEvents}</label>
            </div>
            {!all
              ? AUDIT_ACTIONS.map((type) => (
                  <div class="check" key={type}>
                    <input
                      id={`event-${type}`}
                      type="checkbox"
                      checked={types.includes(type)}
                      onChange={(e) => toggle(type, e.currentTarget.checked)}
                    />
                    <label for={`event-${type}`}>
                      <code>{type}</code>
                    </label>
                  </div>
                ))
              : null}
          </fieldset>
          <div class="check">
            <input id="webhook-enabled" type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
            <label for="webhook-enabled">{t.webhooks.enabled}</label>
          </div>
          <div class="actions">
            <button type="submit" class="primary">
              {t.webhooks.save}
            </button>
            {webhook ? (
              <>
                <button type="button" onClick={test}>
                  {t.webhooks.test}
                </button>
                <button type="button" onClick={rotate}>
                  {t.webhooks.rotate}
                </button>
                <button type="button" class="danger" onClick={remove}>
                  {t.webhooks.remove}
                </button>
              </>
            ) : null}
          </div>
        </form>
      ) : null}
      {webhook ? <Health health={webhook.health} /> : null}
      {secret ? (
        <section class="card" aria-labelledby="secret-title">
          <h2 id="secret-title">{t.webhooks.secretTitle}</h2>
          <p>{t.webhooks.secretOnce}</p>
          <p>
            <code class="secret">{secret}</code>
          </p>
          <button type="button" onClick={copySecret}>
            {t.webhooks.copySecret}
          </button>
        </section>
      ) : null}
      {webhook ? (
        <section aria-labelledby="deliveries-title">
          <h2 id="deliveries-title">{t.webhooks.deliveries}</h2>
          <button type="button" onClick={() => void loadDeliveries()}>
            {t.webhooks.refresh}
          </button>
          {deliveries && deliveries.length === 0 ? <p class="empty">{t.webhooks.noDeliveries}</p> : null}
          {deliveries && deliveries.length > 0 ? (
            <ul class="cards" aria-label={t.webhooks.deliveries}>
              {deliveries.map((d) => (
                <li key={d.eventId} class="card" aria-labelledby={`dlv-${d.eventId}`}>
                  <span class="card-title" id={`dlv-${d.eventId}`}>
                    <code>{d.type}</code>
                  </span>
                  <span class="muted">{d.eventId}</span>
                  <dl class="inline">
                    <div>
                      <dt>{t.invitations.status}</dt>
                      <dd>
                        <span class={`tag tag-${d.status}`}>{t.deliveryStatus[d.status] ?? d.status}</span>
                      </dd>
                    </div>
                    <div>
                      <dt>{t.webhooks.attempts}</dt>
                      <dd>{d.attempts}</dd>
                    </div>
                    {d.lastStatusCode !== undefined || d.lastError ? (
                      <div>
                        <dt>{t.webhooks.lastAnswer}</dt>
                        <dd>{d.lastStatusCode ?? d.lastError}</dd>
                      </div>
                    ) : null}
                    {d.deliveredAt ? (
                      <div>
                        <dt>{t.webhooks.delivered}</dt>
                        <dd>{formatDate(lang, d.deliveredAt)}</dd>
                      </div>
                    ) : d.nextAttemptAt ? (
                      <div>
                        <dt>{t.webhooks.next}</dt>
                        <dd>{formatDate(lang, d.nextAttemptAt)}</dd>
                      </div>
                    ) : null}
                  </dl>
                  {d.status === 'failed' ? (
                    <button type="button" onClick={() => redeliver(d)}>
                      {t.webhooks.redeliver}
                    </button>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
          {next ? (
            <button type="button" onClick={() => void loadDeliveries(next)}>
              {t.webhooks.more}
            </button>
          ) : null}
        </section>
      ) : null}
    </section>
  );
}

/** The endpoint's circuit: what it means and how to enable it again. */
function Health({ health }: { health: Webhook['health'] }) {
  const { t, lang } = useSession();
  return (
    <section class="card" aria-labelledby="health-title">
      <h2 id="health-title">{t.webhooks.health}</h2>
      <p>
        <span class={`tag tag-${health.status}`}>{t.webhookHealth[health.status]}</span>
      </p>
      {health.status !== 'healthy' && health.failingSince ? (
        <p>{fill(t.webhooks.failures, { n: String(health.consecutiveFailures), date: formatDate(lang, health.failingSince) })}</p>
      ) : null}
      {health.status === 'failing' ? <p>{t.webhooks.failingHint}</p> : null}
      {health.status === 'disabled' ? <p>{t.webhooks.disabledHint}</p> : null}
    </section>
  );
}
