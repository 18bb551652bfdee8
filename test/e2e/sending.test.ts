/** Sending invitations through the real EmailClient against a loopback Communication Services endpoint. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminOf, call, seedWorld, startService, type Service, type World } from '../support/harness';
import { startFakeAcs, type FakeAcs } from '../support/fakeAcs';

let svc: Service;
let w: World;
let acs: FakeAcs;
const SENDER = 'DoNotReply@fabrikam.example';
const body = { customer: { companyName: 'Contoso', email: 'admin@contoso.example' } };

beforeAll(async () => {
  acs = await startFakeAcs();
  svc = await startService({ email: { kind: 'connectionString', connectionString: acs.connectionString(), sender: SENDER } });
  w = await seedWorld(svc.deps);
});
afterAll(async () => {
  await svc.close();
  await acs.close();
});
beforeEach(() => acs.reset());

async function create(extra: Record<string, unknown> = {}) {
  const r = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body: { ...body, ...extra } });
  expect(r.status).toBe(201);
  return r.body;
}

describe('sendInvitation', () => {
  it('sends the draft as is, records the operation, audits it, and never sends the same draft twice', async () => {
    const inv = await create();
    const s = await call(svc, 'POST', `/api/invitations/${inv.id}/send`, { as: adminOf(w.reseller) });
    expect(s.status).toBe(200);
    expect(s.body.email).toMatchObject({
      status: 'sent',
      operationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sentAt: expect.any(String),
    });
    expect(s.body.status).toBe('pending');
    expect(acs.sends).toHaveLength(1);
    const sent = acs.sends[0]!;
    expect(sent.body.senderAddress).toBe(SENDER);
    expect(sent.body.recipients?.to?.[0]?.address).toBe('admin@contoso.example');
    expect(sent.body.content).toEqual({ subject: inv.draft.subject, plainText: inv.draft.text, html: inv.draft.html });
    expect(sent.operationId).toBe(s.body.email.operationId);
    expect(acs.log.every((l) => l.auth === 'valid')).toBe(true);

    const again = await call(svc, 'POST', `/api/invitations/${inv.id}/send`, { as: adminOf(w.reseller) });
    expect(again.status).toBe(200);
    expect(acs.sends).toHaveLength(1);
    const audit = (await call(svc, 'GET', '/api/audit?pageSize=500', { as: adminOf(w.reseller) })).body.items.filter(
      (e: any) => e.invitationId === inv.id,
    );
    expect(audit.map((e: any) => e.action)).toEqual(['invitation.sent', 'invitation.created']);
  });

  it('sends an edited draft that keeps the link; refuses one that lost it', async () => {
    const inv = await create({ locale: 'es' });
    const lost = await call(svc, 'POST', `/api/invitations/${inv.id}/send`, {
      as: adminOf(w.reseller),
      body: { text: 'Hola, acepte aquí: https://evil.example/', html: `<p>${inv.url}</p>` },
    });
    expect(lost.status).toBe(400);
    expect(lost.body.type).toMatch(/link-missing$/);
    // The html has the URL as text only, not as a link: refused too (see send-link-check.test.ts).
    expect(Object.keys(lost.body.errors)).toEqual(['text', 'html']);
    const shortened = await call(svc, 'POST', `/api/invitations/${inv.id}/send`, {
      as: adminOf(w.reseller),
      body: { html: `<a href="${inv.url.slice(0, -1)}">x</a>` },
    });
    expect(shortened.status).toBe(400);
    expect(acs.sends).toHaveLength(0);

    const edited = { subject: 'Nuestra invitación', text: `Hola Ana,\n\nEste es el enlace: ${inv.url}\n\nSaludos` };
    const ok = await call(svc, 'POST', `/api/invitations/${inv.id}/send`, { as: adminOf(w.reseller), body: edited });
    expect(ok.status).toBe(200);
    expect(acs.sends[0]!.body.content).toEqual({ subject: edited.subject, plainText: edited.text, html: inv.draft.html });
    // A different draft is a different message: it is sent.
    const other = await call(svc, 'POST', `/api/invitations/${inv.id}/send`, {
      as: adminOf(w.reseller),
      body: { ...edited, subject: 'Recordatorio' },
    });
    expect(other.status).toBe(200);
    expect(acs.sends).toHaveLength(2);
    expect(other.body.email.operationId).not.toBe(ok.body.email.operationId);
  });

  it('rides out transient 503s', async () => {
    const inv = await create();
    acs.failNext(2, 503, { target: 'send' });
    const s = await call(svc, 'POST', `/api/invitations/${inv.id}/send`, { as: adminOf(w.reseller) });
    expect(s.status).toBe(200);
    expect(s.body.email.status).toBe('sent');
    expect(acs.sends).toHaveLength(1);
  });

  it('a permanent 429 leaves the invitation pending with the failure recorded, and answers a problem', async () => {
    const inv = await create();
    acs.alwaysFail(429, { target: 'send', message: 'Too many requests' });
    const s = await call(svc, 'POST', `/api/invitations/${inv.id}/send`, { as: adminOf(w.reseller) });
    expect(s.status).toBe(503);
    expect(s.headers.get('retry-after')).toBe('60');
    expect(s.body).toMatchObject({ type: expect.stringMatching(/email-send-failed$/), detail: expect.stringContaining('429') });
    expect(s.body.detail).not.toContain('admin@contoso.example');
    const g = await call(svc, 'GET', `/api/invitations/${inv.id}`, { as: adminOf(w.reseller) });
    expect(g.body).toMatchObject({ status: 'pending', email: { status: 'failed', error: expect.stringContaining('429') } });
    expect(g.body.url).toBe(inv.url);
    // Once the service accepts again, the same draft goes out.
    acs.reset();
    const retry = await call(svc, 'POST', `/api/invitations/${inv.id}/send`, { as: adminOf(w.reseller) });
    expect(retry.status).toBe(200);
    expect(retry.body.email.status).toBe('sent');
  });

  it('a refused request (400) is a 502 problem, not a 500', async () => {
    const inv = await create();
    acs.alwaysFail(400, { target: 'send', code: 'BadRequest', message: 'Invalid sender' });
    const s = await call(svc, 'POST', `/api/invitations/${inv.id}/send`, { as: adminOf(w.reseller) });
    expect(s.status).toBe(502);
    expect(s.body.type).toMatch(/email-send-failed$/);
  });

  it('create with send: true sends at once (201), and records a failure without losing the invitation', async () => {
    const ok = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body: { ...body, send: true } });
    expect(ok.status).toBe(201);
    expect(ok.body.email.status).toBe('sent');
    acs.alwaysFail(429, { target: 'send' });
    const failed = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body: { ...body, send: true } });
    expect(failed.status).toBe(201);
    expect(failed.body).toMatchObject({ status: 'pending', email: { status: 'failed' } });
  });

  it('health reports email as configured', async () => {
    expect((await call(svc, 'GET', '/api/health')).body.email).toBe('configured');
  });
});
