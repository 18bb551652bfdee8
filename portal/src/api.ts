/**
 * The portal's one way to the API: the repository's typed client (src/client), with the bearer
 * token (Azure) or the session cookie (local runner), and the portal's language as Accept-Language.
 */
import { createClient, type Client } from '../../src/client';
import type { Auth } from './auth';

export function createApi(baseUrl: string, auth: Auth, lang: () => string): Client {
  return createClient({ baseUrl, getToken: () => auth.getToken(), headers: () => ({ 'Accept-Language': lang() }) });
}
