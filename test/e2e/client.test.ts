/**
 * The portal client from Node: its requests (built from `operations`), its typed errors, its
 * paging, against the real service through the local runner (identity through the `headers`
 * option, which Node may send; browsers use a bearer token, see test/browser/portal.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { operations } from '../../src/api/operations';
import { ATTESTATION_STATEMENT } from '../../src/api/schemas';
import {
  ApiError,
  createClient,
  expandRoute,
  isApiError,
  localDevToken,
  type Client,
  type ClientOperation,
  type Invitation,
  type Relationship,
} from '../../src/client';
import { encodePrincipal } from '../../src/http/principal';
import { adminOf, customerAdmin, principalHeader, seedWorld, startService, type Service, type Who, type World } from '../support/harness';
import { seedRelationships } from '../support/seedRelationships';

const urlOf = (input: string | URL | Request) => (typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);

interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
}

/** A fetch that records each request and answers with `answer` (default: `{}` as JSON). */
function recorder(answer: () => Response = () => Response.json({})) {
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    sent.push({
      url: urlOf(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: init?.body as string | undefined,
    });
    return answer();
  };
  return { sent, fetch };
}

/** A client of the service as `who`, recording the requests it makes. */
function clientAs(who: Who | undefined) {
  const { sent } = recorder();
  const client = createClient({
    baseUrl: `${svc.url}/`,
    headers: (): Record<string, string> => (who ? { 'x-ms-client-principal': principalHeader(who) } : {}),
    fetch: async (input, init) => {
      sent.push({
        url: urlOf(input),
        method: init?.method ?? 'GET',
        headers: new Headers(init?.headers),
        body: init?.body as string | undefined,
      });
      return fetch(input, init);
    },
  });
  return { client, sent };
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isApiError(err)) throw new Error(`expected an ApiError, got ${String(err)}`);
  return err;
}

let svc: Service;
let w: World;

beforeAll(async () => {
  svc = await startService();
  w = await seedWorld(svc.deps);
});
afterAll(async () => svc?.close());

describe('requests', () => {
  it('calls every route as operations declares it, with encoded path parameters', async () => {
    const { sent, fetch } = recorder();
    const c = createClient({ baseUrl: 'https://api.example/', fetch });
    const calls: [ClientOperation, () => Promise<unknown>, Record<string, string>?][] = [
      ['createInvitation', () => c.createInvitation({ customer: { companyName: 'C', email: 'a@c.example' } })],
      ['listInvitations', () => c.listInvitations({ status: 'pending' })],
      ['getInvitation', () => c.getInvitation('a/b c'), { id: 'a/b c' }],
      ['sendInvitation', () => c.sendInvitation('i1'), { id: 'i1' }],
      ['revokeInvitation', () => c.revokeInvitation('i1'), { id: 'i1' }],
      ['acceptInvitation', () => c.acceptInvitation('tok?en', 'decline'), { token: 'tok?en' }],
      ['listRelationships', () => c.listRelationships()],
      ['getRelationship', () => c.getRelationship('c1'), { customerId: 'c1' }],
      ['removeRelationship', () => c.removeRelationship('c1', { attestGoodFaith: true }), { customerId: 'c1' }],
      ['listAuditEvents', () => c.listAuditEvents()],
      ['getPartner', () => c.getPartner()],
      ['health', () => c.health()],
      ['listRoles', () => c.listRoles()],
      ['setDelegatedAdminAutoExtend', () => c.setDelegatedAdminAutoExtend('c1', true), { customerId: 'c1' }],
      ['revokeDelegatedAdmin', () => c.revokeDelegatedAdmin('c1'), { customerId: 'c1' }],
      ['listCustomerRelationships', () => c.listCustomerRelationships()],
      ['customerRevokeDelegatedAdmin', () => c.customerRevokeDelegatedAdmin('p1'), { partnerId: 'p1' }],
      ['putWebhook', () => c.putWebhook({ url: 'https://hooks.example/x' })],
      ['getWebhook', () => c.getWebhook()],
      ['deleteWebhook', () => c.deleteWebhook()],
      ['rotateWebhookSecret', () => c.rotateWebhookSecret()],
      ['testWebhook', () => c.testWebhook()],
      ['listDeliveries', () => c.listDeliveries({ status: 'failed' })],
      ['redeliver', () => c.redeliver('e/1'), { eventId: 'e/1' }],
      ['listEvents', () => c.listEvents({ after: 'e1' })],
      ['getInsights', () => c.getInsights()],
      ['createChangeRequest', () => c.requestAccessChange('c1', { roles: ['r'] }), { customerId: 'c1' }],
      ['listChangeRequests', () => c.listAccessRequests('c1'), { customerId: 'c1' }],
      ['getChangeRequest', () => c.getAccessRequest('c1', 'q/1'), { customerId: 'c1', id: 'q/1' }],
      ['revokeChangeRequest', () => c.revokeAccessRequest('c1', 'q1'), { customerId: 'c1', id: 'q1' }],
      ['sendChangeRequest', () => c.sendAccessRequest('c1', 'q1'), { customerId: 'c1', id: 'q1' }],
      ['answerChangeRequest', () => c.answerAccessRequest('t?k', 'approve', ['r']), { token: 't?k' }],
    ];
    const covered = new Set(calls.map(([name]) => name));
    expect(Object.keys(operations).filter((n) => !covered.has(n as ClientOperation))).toEqual([
      'acceptPage',
      'customerPage',
      'changeRequestPage',
      'listPartners',
      'getPartnerRecord',
      'putPartner',
      'openapi',
    ]);
    for (const [name, run, params] of calls) {
      await run();
      const req = sent.at(-1)!;
      expect(req.method).toBe(operations[name].methods[0]);
      expect(req.url.split('?')[0]).toBe(`https://api.example/api/${expandRoute(operations[name].route, params)}`);
    }
    expect(sent[2]!.url).toBe('https://api.example/api/invitations/a%2Fb%20c');
    expect(sent[5]!.url).toBe('https://api.example/api/accept/tok%3Fen');
    expect(JSON.parse(sent[5]!.body!)).toEqual({ decision: 'decline' });
    expect(sent[1]!.url).toBe('https://api.example/api/invitations?status=pending');
    expect(() => expandRoute('invitations/{id}', {})).toThrow(/Missing path parameter "id"/);
  });

  it('sends the bearer token, the extra headers, If-Match, and a JSON content type only with a body', async () => {
    const { sent, fetch } = recorder();
    let token: string | undefined = 'tok-1';
    const c = createClient({ baseUrl: 'https://api.example', fetch, getToken: async () => token, headers: { 'Accept-Language': 'es' } });
    await c.removeRelationship('c1', { attestGoodFaith: true, reason: 'r' }, { ifMatch: '"v1"', headers: { 'x-request-id': 'trace-1' } });
    const post = sent[0]!.headers;
    expect(post.get('authorization')).toBe('Bearer tok-1');
    expect(post.get('if-match')).toBe('"v1"');
    expect(post.get('content-type')).toBe('application/json');
    expect(post.get('accept')).toBe('application/json');
    expect(post.get('accept-language')).toBe('es');
    expect(post.get('x-request-id')).toBe('trace-1');
    expect(JSON.parse(sent[0]!.body!)).toEqual({ attestGoodFaith: true, reason: 'r' });

    token = undefined;
    await c.getPartner();
    expect(sent[1]!.headers.get('authorization')).toBeNull();
    expect(sent[1]!.headers.get('content-type')).toBeNull();
    expect(sent[1]!.headers.get('if-match')).toBeNull();
    expect(sent[1]!.body).toBeUndefined();
  });

  it('makes an ApiError of answers that are not problem documents, and of an unhealthy service', async () => {
    const gateway = createClient({
      baseUrl: '',
      fetch: recorder(
        () => new Response('<h1>Bad gateway</h1>', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } }),
      ).fetch,
    });
    const err = await rejection(gateway.getPartner());
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 502,
      code: 'about:blank',
      message: '<h1>Bad gateway</h1>',
      problem: { type: 'about:blank', title: 'Bad Gateway', status: 502 },
    });

    const busy = createClient({
      baseUrl: '',
      fetch: recorder(() =>
        Response.json(
          { type: 'urn:x:problem:storage-unavailable', title: 'Unavailable', status: 503, detail: 'Try later.' },
          { status: 503, headers: { 'retry-after': '5', 'content-type': 'application/problem+json' } },
        ),
      ).fetch,
    });
    expect(await rejection(busy.health())).toMatchObject({ status: 503, code: 'storage-unavailable' });
    expect(await rejection(busy.getPartner())).toMatchObject({
      status: 503,
      code: 'storage-unavailable',
      retryAfter: 5,
      message: 'Try later.',
    });
  });

  it('makes the same principal as the service for local bearer tokens', () => {
    const who = { tenantId: randomUUID(), userId: 'u1', name: 'José Núñez', roles: ['AdminAgent', 'GlobalAdmin'] };
    expect(localDevToken(who)).toBe(`local.${encodePrincipal(who)}`);
  });

  it('types results from the response schemas', () => {
    expectTypeOf<Awaited<ReturnType<Client['getInvitation']>>>().toEqualTypeOf<Invitation>();
    expectTypeOf<Awaited<ReturnType<Client['getRelationship']>>['etag']>().toEqualTypeOf<string>();
    expectTypeOf<Awaited<ReturnType<Client['removeRelationship']>>['notice']>().toEqualTypeOf<string>();
    expectTypeOf<Client['relationships']>().returns.toEqualTypeOf<AsyncGenerator<Relationship, void, undefined>>();
    expectTypeOf<Parameters<Client['listRelationships']>[0]>().toEqualTypeOf<
      | { status?: 'active' | 'removed' | 'all'; q?: string | undefined; pageSize?: number; continuationToken?: string | undefined }
      | undefined
    >();
  });
});

describe('against the service', () => {
  it('creates, reads, lists and revokes invitations; problems arrive as ApiErrors with their document', async () => {
    const { client } = clientAs(adminOf(w.reseller));
    const created = await client.createInvitation({ customer: { companyName: 'Contoso', email: 'it@contoso.example' }, locale: 'en' });
    expect(created).toMatchObject({ status: 'pending', partnerId: w.reseller.id, kind: 'reseller', email: { status: 'notSent' } });
    expect(created.draft?.text).toContain(created.url);
    expect((await client.getInvitation(created.id)).url).toBe(created.url);

    const send = await rejection(client.sendInvitation(created.id));
    expect(send).toMatchObject({
      status: 409,
      code: 'email-not-configured',
      problem: { status: 409, type: expect.stringMatching(/email-not-configured$/) },
    });
    expect(send.requestId).toBe(send.problem.requestId);

    const invalid = await rejection(client.createInvitation({ customer: { companyName: 'X', email: 'not an email' } }));
    expect(invalid.status).toBe(400);
    expect(invalid.problem.errors?.['customer.email']).toEqual(['must be an email address']);

    const second = await client.createInvitation({ customer: { companyName: 'Adatum', email: 'it@adatum.example' } });
    const all: string[] = [];
    for await (const i of client.invitations({ pageSize: 1 })) all.push(i.id);
    expect(all).toEqual(expect.arrayContaining([created.id, second.id]));
    expect((await client.revokeInvitation(second.id)).status).toBe('revoked');
    expect((await client.listInvitations({ status: 'revoked' })).items.map((i) => i.id)).toEqual([second.id]);

    const anonymous = await rejection(clientAs(undefined).client.getPartner());
    expect(anonymous).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(await rejection(client.getInvitation('a/b'))).toMatchObject({ status: 404, code: 'not-found' });
  });

  it('pages relationships with the async iterator, across pages and in order', async () => {
    const partner = (await seedWorld(svc.deps)).reseller;
    await seedRelationships(
      svc.deps.store,
      partner.id,
      ['Wingtip', 'adatum', 'Contoso', 'Litware', 'Fabrikam'].map((companyName) => ({
        companyName,
        domain: `${companyName.toLowerCase()}.example`,
      })),
    );
    const { client, sent } = clientAs(adminOf(partner));
    const names: string[] = [];
    for await (const r of client.relationships({ pageSize: 2 })) names.push(r.companyName);
    expect(names).toEqual(['adatum', 'Contoso', 'Fabrikam', 'Litware', 'Wingtip']);
    expect(sent.map((s) => new URL(s.url).searchParams.has('continuationToken'))).toEqual([false, true, true]);

    const filtered: string[] = [];
    for await (const r of client.relationships({ q: 'li', pageSize: 1 })) filtered.push(r.companyName);
    expect(filtered).toEqual(['Litware']);
    expect((await client.getPartner()).id).toBe(partner.id);
    expect(await client.health()).toMatchObject({ status: 'ok', storage: 'ok' });
  });

  it('accepts as the customer, then removes with the attestation and If-Match; the audit iterator shows it', async () => {
    const { client, sent } = clientAs(adminOf(w.reseller));
    const inv = await client.createInvitation({ customer: { companyName: 'Litware', email: 'it@litware.example' } });
    const ga = customerAdmin();
    const accepted = await clientAs(ga).client.acceptInvitation(inv.url!.split('/').pop()!);
    expect(accepted).toMatchObject({ status: 'accepted', invitationId: inv.id, customerId: ga.tenantId });

    const rel = await client.getRelationship(ga.tenantId);
    expect(rel).toMatchObject({ status: 'active', delegatedAdmin: { status: 'granted' } });

    const unattested = await rejection(client.removeRelationship(ga.tenantId, {} as never));
    expect(unattested).toMatchObject({ status: 400, code: 'attestation-required' });
    expect(unattested.problem.detail).toContain(ATTESTATION_STATEMENT);

    const stale = await rejection(client.removeRelationship(ga.tenantId, { attestGoodFaith: true }, { ifMatch: '"stale"' }));
    expect(stale).toMatchObject({ status: 412, code: 'precondition-failed' });

    const removed = await client.removeRelationship(
      ga.tenantId,
      { attestGoodFaith: true, reason: 'contract ended' },
      { ifMatch: rel.etag },
    );
    expect(removed).toMatchObject({ status: 'removed', delegatedAdmin: { status: 'revoked' }, notice: expect.any(String) });
    expect(sent.filter((s) => s.url.endsWith('/remove')).map((s) => s.headers.get('if-match'))).toEqual([null, '"stale"', rel.etag]);

    const actions: string[] = [];
    for await (const e of client.auditEvents({ customerId: ga.tenantId, pageSize: 1 })) actions.push(e.action);
    // Newest first; acceptance writes its two events at the same instant, after the invitation's.
    expect(actions[0]).toBe('relationship.removed');
    expect(actions.slice(1, 3).sort()).toEqual(['invitation.accepted', 'relationship.established']);
    expect(actions.slice(3)).toEqual(['invitation.created']);
  });
});
