/**
 * The portal's one way to the API: the repository's typed client (src/client), with the bearer
 * token (Azure) or the session cookie (local runner), and the portal's language as Accept-Language.
 */
import { createClient, isApiError, type Client, type Relationship } from '../../src/client';
import type { Auth } from './auth';

/** A role of the delegated admin catalogue (GET /api/roles). */
export interface RoleEntry {
  id: string;
  name: { en: string; es: string };
  privileged: boolean;
  /** Asked for when an invitation names no roles: the form starts with these chosen. */
  default?: boolean;
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
      ? [{ id: r.id, name: { en: r.name.en, es: r.name.es ?? r.name.en }, privileged: Boolean(r.privileged), default: Boolean(r.default) }]
      : [],
  );
}

export function createApi(baseUrl: string, auth: Auth, lang: () => string): PortalApi {
  const headers = () => ({ 'Accept-Language': lang() });
  const client = createClient({ baseUrl, getToken: () => auth.getToken(), headers });
  return {
    client,
    roles: async () => {
      try {
        return parseRoles(await client.listRoles());
      } catch (err) {
        // A service without the roles API: the form asks for no roles (the service's defaults apply).
        if (isApiError(err)) return undefined;
        throw err;
      }
    },
  };
}
