/** Handlers called directly with the library's own HttpRequest/InvocationContext, on Azurite. */
import { HttpRequest, InvocationContext } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { buildDeps, setDeps } from '../../src/deps';
import { enrolPartners } from '../../src/domain/operator';
import { getPartner } from '../../functions/getPartner';
import { health } from '../../functions/health';
import { openapi } from '../../functions/openapi';
import { principalHeader } from '../support/harness';

const partnerId = randomUUID();
const providerId = randomUUID();

function context() {
  const lines: string[] = [];
  return {
    lines,
    ctx: new InvocationContext({
      invocationId: randomUUID(),
      functionName: 'test',
      logHandler: (level, ...args) => lines.push(`${level}: ${args.join(' ')}`),
    }),
  };
}

function get(path: string, headers: Record<string, string> = {}) {
  return new HttpRequest({ method: 'GET', url: `http://localhost${path}`, headers });
}

beforeAll(async () => {
  const deps = buildDeps(loadConfig());
  setDeps(deps);
  await enrolPartners(deps, [
    { id: partnerId, name: 'Fabrikam', kind: 'reseller', indirectProviderIds: [providerId] },
    { id: providerId, name: 'Northwind', kind: 'indirectProvider', indirectProviderIds: [] },
  ]);
});

describe('handlers', () => {
  it('health answers 200 with a request id', async () => {
    const res = await health(get('/api/health'), context().ctx);
    expect(res.status).toBe(200);
    expect(res.jsonBody).toEqual({ status: 'ok', storage: 'ok', email: 'notConfigured' });
    expect((res.headers as Record<string, string>)['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps a well-formed client x-request-id and replaces a hostile one', async () => {
    const ok = await health(get('/api/health', { 'x-request-id': 'abc-123' }), context().ctx);
    expect((ok.headers as Record<string, string>)['x-request-id']).toBe('abc-123');
    const bad = await health(get('/api/health', { 'x-request-id': '<script>' }), context().ctx);
    expect((bad.headers as Record<string, string>)['x-request-id']).not.toContain('<');
  });

  it('getPartner returns the profile with provider names', async () => {
    const res = await getPartner(
      get('/api/partners/me', { 'x-ms-client-principal': principalHeader({ tenantId: partnerId, roles: ['GlobalAdmin'] }) }),
      context().ctx,
    );
    expect(res.status).toBe(200);
    expect(res.jsonBody).toMatchObject({
      id: partnerId,
      name: 'Fabrikam',
      kind: 'reseller',
      indirectProviders: [{ id: providerId, name: 'Northwind' }],
    });
  });

  it('getPartner: 401 without principal, 403 without role, 403 for an unknown tenant', async () => {
    const none = await getPartner(get('/api/partners/me'), context().ctx);
    expect(none.status).toBe(401);
    expect((none.headers as Record<string, string>)['Content-Type']).toBe('application/problem+json');
    const noRole = await getPartner(
      get('/api/partners/me', { 'x-ms-client-principal': principalHeader({ tenantId: partnerId, roles: ['Reader'] }) }),
      context().ctx,
    );
    expect(noRole.status).toBe(403);
    expect(noRole.jsonBody).toMatchObject({ type: expect.stringMatching(/role-required$/) });
    const stranger = await getPartner(
      get('/api/partners/me', { 'x-ms-client-principal': principalHeader({ tenantId: randomUUID(), roles: ['GlobalAdmin'] }) }),
      context().ctx,
    );
    expect(stranger.status).toBe(403);
    expect(stranger.jsonBody).toMatchObject({ type: expect.stringMatching(/partner-not-enrolled$/), status: 403 });
  });

  it('a garbage principal on a partner route is 401, not 500', async () => {
    const res = await getPartner(get('/api/partners/me', { 'x-ms-client-principal': 'eyJub3QiOiJqc29u' }), context().ctx);
    expect(res.status).toBe(401);
  });

  it('openapi lists every operation of the contract', async () => {
    const res = await openapi(get('/api/openapi.json'), context().ctx);
    const doc = res.jsonBody as { openapi: string; paths: Record<string, Record<string, { operationId: string }>> };
    expect(doc.openapi).toBe('3.1.0');
    const ids = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ids.sort()).toEqual(
      [
        'acceptInvitation',
        'acceptPage',
        'acceptPageHead',
        'createInvitation',
        'getInvitation',
        'getPartner',
        'getPartnerRecord',
        'getRelationship',
        'health',
        'listAuditEvents',
        'listInvitations',
        'listPartners',
        'putPartner',
        'listRelationships',
        'openapi',
        'removeRelationship',
        'revokeInvitation',
        'sendInvitation',
        'listRoles',
        'setDelegatedAdminAutoExtend',
        'revokeDelegatedAdmin',
        'listCustomerRelationships',
        'customerRevokeDelegatedAdmin',
        'customerPage',
        'customerPageHead',
        'putWebhook',
        'getWebhook',
        'deleteWebhook',
        'rotateWebhookSecret',
        'testWebhook',
        'listDeliveries',
        'redeliver',
        'listEvents',
        'createChangeRequest',
        'listChangeRequests',
        'getChangeRequest',
        'revokeChangeRequest',
        'sendChangeRequest',
        'changeRequestPage',
        'changeRequestPageHead',
        'answerChangeRequest',
      ].sort(),
    );
    expect(JSON.stringify(doc)).not.toContain('#/$defs/');
  });
});

describe('storage down', () => {
  it('health is 503 and partner routes are 503 problem+json with Retry-After, within a bounded time', async () => {
    const dead = buildDeps(
      loadConfig({
        ...process.env,
        TABLES_CONNECTION_STRING:
          'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;',
      }),
    );
    setDeps(dead);
    try {
      const t0 = Date.now();
      const h = await health(get('/api/health'), context().ctx);
      expect(h.status).toBe(503);
      expect((h.headers as Record<string, string>)['Retry-After']).toBe('5');
      expect((h.headers as Record<string, string>)['Content-Type']).toBe('application/problem+json');
      expect(h.jsonBody).toMatchObject({ status: 503, type: expect.stringMatching(/storage-unavailable$/) });
      const { ctx, lines } = context();
      const p = await getPartner(get('/api/partners/me', { 'x-ms-client-principal': principalHeader({ tenantId: partnerId }) }), ctx);
      expect(p.status).toBe(503);
      expect((p.headers as Record<string, string>)['Retry-After']).toBe('5');
      expect(p.jsonBody).toMatchObject({ status: 503, type: expect.stringMatching(/storage-unavailable$/) });
      expect(lines.join('\n')).toContain('dependency unavailable');
      expect(Date.now() - t0).toBeLessThan(15_000);
    } finally {
      setDeps(buildDeps(loadConfig()));
    }
  });
});
