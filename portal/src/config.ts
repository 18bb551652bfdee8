/** The portal's runtime configuration: `config.json`, served next to index.html. */
export interface MsalSettings {
  clientId: string;
  authority: string;
  /** e.g. `api://<API app registration client ID>/access_as_user`. */
  scopes: string[];
}

export interface PortalConfig {
  /** The Function App's URL without `/api`; '' when the portal is served from the API's own origin (npm start). */
  apiBaseUrl: string;
  /** 'local': the local runner's sign-in form and session cookie; otherwise Microsoft Entra ID through MSAL. */
  auth: 'local' | MsalSettings;
}

function isMsal(v: unknown): v is MsalSettings {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.clientId === 'string' &&
    typeof o.authority === 'string' &&
    Array.isArray(o.scopes) &&
    o.scopes.every((s) => typeof s === 'string')
  );
}

export async function loadConfig(url = 'config.json'): Promise<PortalConfig> {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const raw = (await res.json()) as Record<string, unknown>;
  const apiBaseUrl = typeof raw.apiBaseUrl === 'string' ? raw.apiBaseUrl : '';
  if (raw.auth === 'local' || raw.auth === undefined) return { apiBaseUrl, auth: 'local' };
  if (isMsal(raw.auth)) return { apiBaseUrl, auth: raw.auth };
  throw new Error(`${url}: "auth" must be "local" or { clientId, authority, scopes }.`);
}
