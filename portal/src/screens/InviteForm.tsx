/**
 * Request a reseller relationship (an existing customer: tenant ID and/or domain bind the
 * invitation) and New relationship (a new customer, optionally with the indirect provider).
 * Both ask for delegated admin roles (the catalogue of GET /api/roles) and a duration.
 */
import { useState } from 'preact/hooks';
import { isApiError, type CreateInvitationInput } from '../../../src/client';
import { useSession } from '../context';
import { ErrorAlert, ScreenHeading } from '../ui';

type Mode = 'request' | 'new';
type Field = 'companyName' | 'email' | 'domain' | 'tenantId' | 'indirectProviderId' | 'locale' | 'roles' | 'duration';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function InviteForm({ mode }: { mode: Mode }) {
  const { t, lang, api, partner, roles, navigate, lastInvitation } = useSession();
  const [values, setValues] = useState({
    companyName: '',
    email: '',
    domain: '',
    tenantId: '',
    indirectProviderId: '',
    locale: lang,
  });
  // The least-privilege defaults start chosen; the partner adds what it needs.
  const [chosenRoles, setChosenRoles] = useState(() => roles.filter((r) => r.default).map((r) => r.id));
  const [days, setDays] = useState('730');
  const [autoExtend, setAutoExtend] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const title = mode === 'request' ? t.invite.requestTitle : t.invite.newTitle;

  if (partner.kind !== 'reseller')
    return (
      <section aria-labelledby="screen-title">
        <ScreenHeading>{title}</ScreenHeading>
        <p class="notice">{t.invite.notReseller}</p>
      </section>
    );

  const providers = partner.indirectProviders ?? partner.indirectProviderIds.map((id) => ({ id, name: id }));
  const set = (k: keyof typeof values) => (e: Event) => setValues({ ...values, [k]: (e.currentTarget as HTMLInputElement).value });

  const validate = (): Partial<Record<Field, string>> => {
    const out: Partial<Record<Field, string>> = {};
    if (!values.companyName.trim()) out.companyName = t.invite.required;
    if (!values.email.trim()) out.email = t.invite.required;
    if (values.tenantId.trim() && !UUID.test(values.tenantId.trim())) out.tenantId = t.invite.tenantIdHint;
    if (mode === 'request' && !values.tenantId.trim() && !values.domain.trim()) out.tenantId = t.invite.needTenantOrDomain;
    const n = Number(days);
    if (!Number.isInteger(n) || n < 1 || n > 730) out.duration = t.invite.durationHint;
    return out;
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const found = validate();
    setErrors(found);
    setError(undefined);
    const first = Object.keys(found)[0];
    if (first) {
      document.getElementById(`invite-${first}`)?.focus();
      return;
    }
    const body: CreateInvitationInput = {
      customer: {
        companyName: values.companyName.trim(),
        email: values.email.trim(),
        ...(values.domain.trim() ? { domain: values.domain.trim() } : {}),
        ...(values.tenantId.trim() ? { tenantId: values.tenantId.trim().toLowerCase() } : {}),
      },
      ...(values.indirectProviderId ? { indirectProviderId: values.indirectProviderId } : {}),
      locale: values.locale,
      access: { ...(chosenRoles.length ? { roles: chosenRoles } : {}), duration: `P${Number(days)}D`, autoExtend },
    };
    setBusy(true);
    try {
      const invitation = await api.createInvitation(body);
      lastInvitation.current = invitation;
      navigate(`#/invitations/${invitation.id}/review`);
    } catch (err) {
      setBusy(false);
      setError(err);
      // A 400 names its fields (`customer.email`, `indirectProviderId`, `access.roles`): show each by its control.
      if (isApiError(err) && err.problem.errors) {
        const byField: Partial<Record<Field, string>> = {};
        for (const [path, messages] of Object.entries(err.problem.errors)) {
          const key = path.split('.').pop() as Field;
          byField[key] = messages.join(' ');
        }
        setErrors(byField);
      }
    }
  };

  const input = (
    name: Field & keyof typeof values,
    label: string,
    opts: { type?: 'text' | 'email'; required?: boolean; hint?: string; autoComplete?: string } = {},
  ) => {
    const described = [opts.hint ? `invite-${name}-hint` : '', errors[name] ? `invite-${name}-error` : ''].filter(Boolean).join(' ');
    return (
      <div class="field">
        <label for={`invite-${name}`}>
          {label}
          {opts.required ? <span aria-hidden="true"> *</span> : null}
        </label>
        <input
          id={`invite-${name}`}
          name={name}
          type={opts.type ?? 'text'}
          list={undefined}
          required={opts.required}
          autoComplete={opts.autoComplete ?? 'off'}
          value={values[name]}
          onInput={set(name)}
          aria-invalid={errors[name] ? true : undefined}
          aria-describedby={described || undefined}
        />
        {opts.hint ? (
          <p id={`invite-${name}-hint`} class="hint">
            {opts.hint}
          </p>
        ) : null}
        {errors[name] ? (
          <p id={`invite-${name}-error`} class="field-error">
            {errors[name]}
          </p>
        ) : null}
      </div>
    );
  };

  return (
    <section aria-labelledby="screen-title">
      <ScreenHeading>{title}</ScreenHeading>
      <p>{mode === 'request' ? t.invite.requestIntro : t.invite.newIntro}</p>
      <form class="form" onSubmit={(e) => void submit(e)} noValidate>
        {input('companyName', t.invite.companyName, { required: true, autoComplete: 'organization' })}
        {input('email', t.invite.email, { type: 'email', required: true, hint: t.invite.emailHint, autoComplete: 'email' })}
        {input('domain', t.invite.domain)}
        {mode === 'request' ? input('tenantId', t.invite.tenantId, { hint: t.invite.tenantIdHint }) : null}
        {providers.length > 0 ? (
          <div class="field">
            <label for="invite-indirectProviderId">{t.invite.provider}</label>
            <select id="invite-indirectProviderId" value={values.indirectProviderId} onChange={set('indirectProviderId')}>
              <option value="">{t.invite.noProvider}</option>
              {providers.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
            {errors.indirectProviderId ? <p class="field-error">{errors.indirectProviderId}</p> : null}
          </div>
        ) : null}
        <div class="field">
          <label for="invite-locale">{t.invite.language}</label>
          <select id="invite-locale" value={values.locale} onChange={set('locale')} aria-describedby="invite-locale-hint">
            <option value="en">{t.invite.english}</option>
            <option value="es">{t.invite.spanish}</option>
          </select>
          <p id="invite-locale-hint" class="hint">
            {t.invite.languageHint}
          </p>
        </div>
        <fieldset class="field roles">
          <legend>{t.invite.access}</legend>
          <p class="hint">{t.invite.accessHint}</p>
          {roles.map((r) => (
            <div class="check" key={r.id}>
              <input
                id={`role-${r.id}`}
                type="checkbox"
                checked={chosenRoles.includes(r.id)}
                onChange={(e) => setChosenRoles(e.currentTarget.checked ? [...chosenRoles, r.id] : chosenRoles.filter((x) => x !== r.id))}
              />
              <label for={`role-${r.id}`}>
                {r.name[lang]}
                {r.privileged ? <span class="badge">{t.invite.privileged}</span> : null}
              </label>
            </div>
          ))}
          {errors.roles ? <p class="field-error">{errors.roles}</p> : null}
          <div class="field">
            <label for="invite-duration">{t.invite.duration}</label>
            <input
              id="invite-duration"
              type="number"
              min={1}
              max={730}
              value={days}
              onInput={(e) => setDays(e.currentTarget.value)}
              aria-describedby="invite-duration-hint"
              aria-invalid={errors.duration ? true : undefined}
            />
            <p id="invite-duration-hint" class="hint">
              {errors.duration ?? t.invite.durationHint}
            </p>
          </div>
          <div class="check">
            <input id="invite-autoExtend" type="checkbox" checked={autoExtend} onChange={(e) => setAutoExtend(e.currentTarget.checked)} />
            <label for="invite-autoExtend">{t.invite.autoExtend}</label>
          </div>
        </fieldset>
        <ErrorAlert t={t} error={error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {t.invite.submit}
          </button>
        </div>
      </form>
    </section>
  );
}
