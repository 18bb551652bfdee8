/**
 * The common steps of a test, `invite`, `accept` and `remove`, through the typed client
 * (src/client) that partners and the portal use, over real HTTP to the service. Each step must
 * succeed (the client throws the problem document otherwise); a test that expects a refusal
 * calls the route itself. Every answer is checked against the OpenAPI document, as `call()`'s are.
 */
import {
  createClient,
  type AcceptResult,
  type Client,
  type CreateInvitationInput,
  type Invitation,
  type RemovalResult,
} from '../../src/client';
import { customerAdmin, principalHeader, type Who } from './harness';
import { checkResponse, disagreements } from './openapiCheck';

/** A fetch that checks every answer against the OpenAPI document (failures fail the file, see setupEnv.ts). */
const checkedFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  const text = await res.clone().text();
  const type = res.headers.get('content-type');
  const body: unknown = (type ?? '').includes('json') && text ? JSON.parse(text) : text;
  const url = new URL(input instanceof Request ? input.url : String(input));
  disagreements.push(...checkResponse(init?.method ?? 'GET', `${url.pathname}${url.search}`, res.status, type, body));
  return res;
};

/** The typed client acting as `who` (the local runner's Easy Auth header). */
export const clientAs = (service: { url: string }, who: Who): Client =>
  createClient({ baseUrl: service.url, headers: { 'x-ms-client-principal': principalHeader(who) }, fetch: checkedFetch });

export interface Invited extends Invitation {
  url: string;
  draft: NonNullable<Invitation['draft']>;
  /** The acceptance link's token. */
  token: string;
  /** The acceptance link's path, for tests that post to it themselves. */
  path: string;
}

/** A fresh invitation by `partner`'s admin; `input` adds to (or replaces) the defaults. */
export async function invite(
  service: { url: string },
  partner: { id: string },
  input: Partial<CreateInvitationInput> = {},
  who: Who = { tenantId: partner.id, roles: ['AdminAgent'] },
): Promise<Invited> {
  const created = await clientAs(service, who).createInvitation({
    customer: { companyName: 'Contoso', email: 'it@contoso.example' },
    ...input,
  });
  const { url, draft } = created;
  if (!url || !draft) throw new Error('a created invitation carries its link and draft');
  const path = new URL(url).pathname;
  return { ...created, url, draft, path, token: decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) };
}

/** The customer's GlobalAdmin (a fresh tenant unless given) accepts; the result and who accepted. */
export async function accept(
  service: { url: string },
  invitation: { token: string },
  ga: Who = customerAdmin(),
): Promise<AcceptResult & { ga: Who }> {
  const result = await clientAs(service, ga).acceptInvitation(invitation.token, 'accept');
  return { ...result, ga };
}

/** `partner`'s admin removes the relationship with `customerId` (good faith attested). */
export function remove(
  service: { url: string },
  partner: { id: string },
  customerId: string,
  options: { reason?: string; ifMatch?: string; who?: Who } = {},
): Promise<RemovalResult> {
  const who = options.who ?? { tenantId: partner.id, roles: ['AdminAgent'] };
  const body = { attestGoodFaith: true as const, ...(options.reason ? { reason: options.reason } : {}) };
  return clientAs(service, who).removeRelationship(customerId, body, options.ifMatch ? { ifMatch: options.ifMatch } : {});
}
