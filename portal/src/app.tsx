/**
 * The portal's shell: the language switch, who is signed in, the navigation, and the screen of
 * the hash route. Before any screen, GET /api/partners/me decides what the user may see: 401 is
 * "Sign in", 403 (no partner role, or a tenant that is not enrolled) is a message and no actions.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { isApiError, type Invitation, type Partner, type Role } from '../../src/client';
import { createApi } from './api';
import type { Auth } from './auth';
import type { PortalConfig } from './config';
import { SessionContext, type Session } from './context';
import { catalogues, type Lang } from './i18n';
import { initialLang, saveLang } from './prefs';
import { parseRoute, section, type Route } from './routes';
import { Customer } from './screens/Customer';
import { Customers } from './screens/Customers';
import { Draft } from './screens/Draft';
import { InviteForm } from './screens/InviteForm';
import { Invitations, parseInvitationStatus } from './screens/Invitations';
import { Overview } from './screens/Overview';
import { Webhooks } from './screens/Webhooks';
import { ErrorAlert, Loading, ScreenHeading } from './ui';

type Gate =
  | { state: 'loading' }
  | { state: 'ready'; partner: Partner; emailConfigured: boolean; roles: Role[] }
  | { state: 'signedOut' }
  | { state: 'noAccess'; detail: string }
  | { state: 'error'; error: unknown };

export function App({ config, auth }: { config: PortalConfig; auth: Auth }) {
  const [lang, setLang] = useState<Lang>(() => initialLang());
  const langRef = useRef(lang);
  langRef.current = lang;
  const t = catalogues[lang];
  const api = useMemo(() => createApi(config.apiBaseUrl, auth, () => langRef.current), [config, auth]);
  const firstHash = useRef(location.hash);
  const [route, setRoute] = useState<Route>(() => parseRoute(firstHash.current));
  const [gate, setGate] = useState<Gate>({ state: 'loading' });
  const [userName, setUserName] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const lastInvitation = useRef<Invitation | undefined>(undefined);

  useEffect(() => {
    const onHash = () => {
      setRoute(parseRoute(location.hash));
      // A notice belongs to the screen it was made for; leaving that screen drops it.
      const keep = pendingNotice.current;
      pendingNotice.current = false;
      if (!keep) setNotice(undefined);
    };
    window.addEventListener('hashchange', onHash);
    // The hash may have changed between the first render and this listener (a link followed while
    // the page was still loading): take it up now, or that navigation would be lost.
    if (location.hash !== firstHash.current) setRoute(parseRoute(location.hash));
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const pendingNotice = useRef(false);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t.app.title;
  }, [lang]);

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const partner = await api.getPartner();
        const [health, roles] = await Promise.all([api.health().catch(() => undefined), api.listRoles()]);
        if (live) setGate({ state: 'ready', partner, emailConfigured: health?.email === 'configured', roles: roles.items });
      } catch (err) {
        if (!live) return;
        if (isApiError(err) && err.status === 401) setGate({ state: 'signedOut' });
        else if (isApiError(err) && err.status === 403) setGate({ state: 'noAccess', detail: err.problem.detail });
        else setGate({ state: 'error', error: err });
      }
    })();
    void auth.userName().then((n) => live && setUserName(n));
    return () => {
      live = false;
    };
  }, [api, auth]);

  const switchLang = () => {
    const next: Lang = lang === 'en' ? 'es' : 'en';
    saveLang(next);
    setLang(next);
  };

  const navigate = useCallback((hash: string) => {
    if (location.hash === hash) setRoute(parseRoute(hash));
    else location.hash = hash;
  }, []);
  const showNotice = useCallback((n: string | undefined) => {
    pendingNotice.current = true;
    setNotice(n);
  }, []);
  // A new session only when what it holds changes, not on every render of the shell (a route
  // change, the user's name): what the screens derive from it is not recomputed for nothing.
  const session = useMemo<Session | undefined>(
    () =>
      gate.state === 'ready'
        ? {
            t,
            lang,
            api,
            partner: gate.partner,
            emailConfigured: gate.emailConfigured,
            roles: gate.roles,
            navigate,
            notice,
            setNotice: showNotice,
            lastInvitation,
          }
        : undefined,
    [t, lang, api, gate, notice, navigate, showNotice],
  );

  const current = section(route);
  const navItem = (key: 'overview' | 'customers' | 'invitations' | 'request' | 'new' | 'webhooks', href: string, label: string) => (
    <li>
      <a href={href} aria-current={current === key ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );

  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        {t.app.skip}
      </a>
      <header class="top">
        <div class="brand">
          <span class="logo" aria-hidden="true" />
          <span>{t.app.title}</span>
          {gate.state === 'ready' ? <span class="partner muted">{gate.partner.name}</span> : null}
        </div>
        <div class="tools">
          {userName && gate.state !== 'signedOut' ? <span class="muted small user">{userName}</span> : null}
          <button type="button" class="link" lang={t.app.switchToLang} onClick={switchLang}>
            {t.app.switchTo}
          </button>
          {gate.state !== 'signedOut' && gate.state !== 'loading' ? (
            <button type="button" class="link" onClick={() => auth.signOut()}>
              {t.app.signOut}
            </button>
          ) : null}
        </div>
      </header>
      {session ? (
        <nav class="nav" aria-label={t.app.nav}>
          <ul>
            {navItem('overview', '#/', t.nav.overview)}
            {navItem('customers', '#/customers', t.nav.customers)}
            {navItem('invitations', '#/invitations', t.nav.invitations)}
            {session.partner.kind === 'reseller' ? navItem('request', '#/request', t.nav.request) : null}
            {session.partner.kind === 'reseller' ? navItem('new', '#/new', t.nav.newRelationship) : null}
            {navItem('webhooks', '#/webhooks', t.nav.webhooks)}
          </ul>
        </nav>
      ) : null}
      <main id="main" tabIndex={-1}>
        {gate.state === 'loading' ? <Loading t={t} /> : null}
        {gate.state === 'signedOut' ? (
          <section aria-labelledby="screen-title" class="gate">
            <ScreenHeading>{t.app.notSignedInTitle}</ScreenHeading>
            <p>{t.app.notSignedIn}</p>
            {auth.signInHref ? (
              <a class="button primary" href={auth.signInHref}>
                {t.app.signIn}
              </a>
            ) : (
              <button type="button" class="primary" onClick={() => auth.signIn()}>
                {t.app.signIn}
              </button>
            )}
          </section>
        ) : null}
        {gate.state === 'noAccess' ? (
          <section aria-labelledby="screen-title" class="gate">
            <ScreenHeading>{t.app.noAccessTitle}</ScreenHeading>
            <p>{t.app.noAccess}</p>
            <div class="alert" role="alert">
              <p>{gate.detail}</p>
            </div>
          </section>
        ) : null}
        {gate.state === 'error' ? <ErrorAlert t={t} error={gate.error} /> : null}
        {session ? (
          <SessionContext.Provider value={session}>
            <Screen route={route} />
          </SessionContext.Provider>
        ) : null}
      </main>
    </>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'overview':
      return <Overview />;
    case 'customers':
      return <Customers key={route.status} status={route.status} />;
    case 'customer':
      return <Customer key={route.id} id={route.id} />;
    case 'request':
      return <InviteForm key="request" mode="request" />;
    case 'new':
      return <InviteForm key="new" mode="new" />;
    case 'draft':
      return <Draft key={route.id} id={route.id} />;
    case 'invitations':
      return <Invitations status={parseInvitationStatus(route.status)} />;
    case 'webhooks':
      return <Webhooks />;
    default:
      return <NotFound />;
  }
}

function NotFound() {
  return (
    <SessionContext.Consumer>
      {(s) =>
        s ? (
          <section aria-labelledby="screen-title">
            <ScreenHeading>{s.t.app.notFound}</ScreenHeading>
            <a href="#/customers">{s.t.app.backToCustomers}</a>
          </section>
        ) : null
      }
    </SessionContext.Consumer>
  );
}
