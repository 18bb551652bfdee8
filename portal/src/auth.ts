/**
 * Who is signed in, and how requests prove it. Locally (npm start) the runner's sign-in form sets
 * a session cookie that same-origin requests carry: no token. In Azure, Microsoft Entra ID through
 * MSAL (loaded only then: it is most of the weight it would add) and a bearer token for the API.
 */
import type { MsalSettings, PortalConfig } from './config';

export interface Auth {
  /** The bearer token for the API, or undefined (the cookie speaks for the local runner). */
  getToken(): Promise<string | undefined>;
  /** Where "Sign in" goes (a link), or an action (MSAL's redirect). */
  signInHref?: string;
  signIn(): void;
  signOut(): void;
  /** The signed-in user's name, when known. */
  userName(): Promise<string | undefined>;
}

const PORTAL_PATH = '/portal/';

export function localAuth(): Auth {
  return {
    getToken: async () => undefined,
    signInHref: `/.auth/login/aad?post_login_redirect_uri=${PORTAL_PATH}`,
    signIn: () => location.assign(`/.auth/login/aad?post_login_redirect_uri=${PORTAL_PATH}`),
    signOut: () => location.assign(`/.auth/logout?post_logout_redirect_uri=${PORTAL_PATH}`),
    userName: async () => {
      try {
        const res = await fetch('/.auth/me', { headers: { Accept: 'application/json' } });
        const me = (await res.json()) as { user_id?: string }[];
        return me[0]?.user_id;
      } catch {
        return undefined;
      }
    },
  };
}

async function msalAuth(settings: MsalSettings): Promise<Auth> {
  const { PublicClientApplication, InteractionRequiredAuthError } = await import('@azure/msal-browser');
  const msal = new PublicClientApplication({
    auth: { clientId: settings.clientId, authority: settings.authority, redirectUri: `${location.origin}${location.pathname}` },
    cache: { cacheLocation: 'sessionStorage' },
  });
  await msal.initialize();
  const redirect = await msal.handleRedirectPromise();
  if (redirect?.account) msal.setActiveAccount(redirect.account);
  const account = () => msal.getActiveAccount() ?? msal.getAllAccounts()[0] ?? null;
  return {
    getToken: async () => {
      const a = account();
      if (!a) return undefined;
      try {
        return (await msal.acquireTokenSilent({ scopes: settings.scopes, account: a })).accessToken;
      } catch (err) {
        if (err instanceof InteractionRequiredAuthError) await msal.acquireTokenRedirect({ scopes: settings.scopes, account: a });
        throw err;
      }
    },
    signIn: () => void msal.loginRedirect({ scopes: settings.scopes }),
    signOut: () => void msal.logoutRedirect(),
    userName: async () => account()?.username,
  };
}

export function createAuth(config: PortalConfig): Promise<Auth> {
  return config.auth === 'local' ? Promise.resolve(localAuth()) : msalAuth(config.auth);
}
