/**
 * The portal's one way to the API: the repository's typed client (src/client), with the bearer
 * token (Azure) or the session cookie (local runner), and the portal's language as Accept-Language.
 */
import { createClient, isApiError, type Client, type Relationship } from '../../src/client';
import { errorFromResponse } from '../../src/client/errors';
import type { Auth } from './auth';

/** A role of the delegated admin catalogue (GET /api/roles). */
export interface RoleEntry {
  id: string;
  name: { en: string; es: string };
  privileged: boolean;
}

/** A relationship with the delegated admin fields of the roles API, when the service has them. */
export type RelationshipView = Relationship & {
  delegatedAdmin: Relationship['delegatedAdmin'] & { roles?: string[]; endsAt?: string; autoExtend?: boolean };
};

export interface PortalApi {
  client: Client;
  /** The roles catalogue, or undefined while the service has no roles API (any answer but 200). */
  roles(): Promise<RoleEntry[] | undefined>;
}

function parseRoles(body: unknown): RoleEntry[] | undefined {
  const items = (body as { items?: unknown } | undefined)?.items;
  if (!Array.isArray(items)) return undefined;
  return items.flatMap((r: Partial<RoleEntry>) =>
    typeof r?.id === 'string' && typeof r.name?.en === 'string'
      ? [{ id: r.id, name: { en: r.name.en, es: r.name.es ?? r.name.en }, privileged: Boolean(r.privileged) }]
      : [],
  );
}

export function createApi(baseUrl: string, auth: Auth, lang: () => string): PortalApi {
  const headers = () => ({ 'Accept-Language': lang() });
  const client = createClient({ baseUrl, getToken: () => auth.getToken(), headers });
  return {
    client,
    roles: async () => {
      // The client learns GET /api/roles (listRoles) with the delegated admin API; until then the
      // same request is made here with the client's token, headers and error type.
      const withRoles = client as Client & { listRoles?: () => Promise<unknown> };
      try {
        if (withRoles.listRoles) return parseRoles(await withRoles.listRoles());
        const token = await auth.getToken();
        const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/api/roles`, {
          headers: { Accept: 'application/json', ...headers(), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        });
        const body: unknown = /json/.test(res.headers.get('content-type') ?? '') ? await res.json() : await res.text();
        if (!res.ok) throw errorFromResponse(res, body);
        return parseRoles(body);
      } catch (err) {
        if (isApiError(err)) return undefined;
        throw err;
      }
    },
  };
}
