/** Invitations through the local runner: create, drafts, list, get, revoke, send (no email configured). */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOf, call, startWorld, type Service, type World } from '../support/harness';

let svc: Service;
let w: World;
const customer = (extra: Record<string, unknown> = {}) => ({
  customer: { companyName: 'Contoso Ltd', email: 'it@contoso.example', ...extra },
});

beforeAll(async () => ({ svc, w } = await startWorld()));
afterAll(() => svc.close());

describe('createInvitation', () => {
  it('creates a reseller invitation with a link and an English draft', async () => {
    const r = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body: customer({ domain: 'Contoso.example' }) });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`/api/invitations/${r.body.id}`);
    expect(r.body).toMatchObject({
      partnerId: w.reseller.id,
      kind: 'reseller',
      status: 'pending',
      locale: 'en',
      customer: { companyName: 'Contoso Ltd', domain: 'contoso.example', email: 'it@contoso.example' },
      email: { status: 'notSent' },
      createdBy: { tenantId: w.reseller.id },
    });
    expect(r.body.url).toMatch(new RegExp(`^${svc.url}/api/accept/[A-Za-z0-9_-]{86}$`));
    const d = r.body.draft;
    expect(d.to).toBe('it@contoso.example');
    expect(d.subject).toContain('Fabrikam & Co <Resellers>');
    for (const part of [d.text, d.html]) expect(part).toContain(r.body.url);
    expect(d.text).toMatch(/delegated administrative privileges/);
    expect(d.text).toContain('UTC');
    // The partner's own name is escaped in HTML.
    expect(d.html).toContain('Fabrikam &amp; Co &lt;Resellers&gt;');
    expect(d.html).not.toContain('<Resellers>');
    // Expires after INVITATION_TTL_DAYS (default 30).
    const days = (Date.parse(r.body.expiresAt) - Date.parse(r.body.createdAt)) / 86_400_000;
    expect(days).toBeCloseTo(30, 5);
  });

  it('takes the language from Accept-Language, and the body wins over it', async () => {
    const es = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: customer(),
      headers: { 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' },
    });
    expect(es.body.locale).toBe('es');
    expect(es.body.draft.subject).toContain('invita a Contoso Ltd');
    expect(es.body.draft.text).toContain('privilegios de administrador delegado');
    expect(es.body.draft.text).toContain(es.body.url);
    const en = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: { ...customer(), locale: 'en' },
      headers: { 'accept-language': 'es' },
    });
    expect(en.body.locale).toBe('en');
    const fr = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: customer(),
      headers: { 'accept-language': 'fr-FR' },
    });
    expect(fr.body.locale).toBe('en');
  });

  it('creates the combined kind with a linked provider, naming both', async () => {
    const r = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller, ['GlobalAdmin']),
      body: { ...customer(), indirectProviderId: w.provider.id, locale: 'es' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ kind: 'resellerAndIndirectProvider', indirectProviderId: w.provider.id });
    expect(r.body.draft.text).toContain('Northwind Distribución');
    expect(r.body.draft.text).toContain('Fabrikam & Co <Resellers>');
  });

  it('refuses an unlinked provider, naming the field', async () => {
    for (const id of [w.otherProvider.id, randomUUID(), w.otherReseller.id]) {
      const r = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body: { ...customer(), indirectProviderId: id } });
      expect(r.status).toBe(400);
      expect(Object.keys(r.body.errors)).toEqual(['indirectProviderId']);
    }
  });

  it('only resellers invite; only partner admins', async () => {
    expect((await call(svc, 'POST', '/api/invitations', { as: adminOf(w.provider), body: customer() })).body).toMatchObject({
      status: 403,
      type: expect.stringMatching(/not-a-reseller$/),
    });
    expect(
      (await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller, ['Reader', 'GlobalReader']), body: customer() })).status,
    ).toBe(403);
    expect((await call(svc, 'POST', '/api/invitations', { body: customer() })).status).toBe(401);
  });

  it('escapes a hostile company name in the HTML draft and refuses line breaks', async () => {
    const hostile = `<img src=x onerror=alert(1)> "Evil" & 'Co'`;
    const r = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body: customer({ companyName: hostile }) });
    expect(r.status).toBe(201);
    expect(r.body.draft.html).not.toContain('<img');
    expect(r.body.draft.html).toContain('&lt;img src=x onerror=alert(1)&gt; &quot;Evil&quot; &amp; &#39;Co&#39;');
    expect(r.body.draft.subject).not.toMatch(/[\r\n]/);
    const nl = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: customer({ companyName: 'A\r\nBcc: x@evil.example' }),
    });
    expect(nl.status).toBe(400);
    expect(nl.body.errors).toHaveProperty(['customer.companyName']);
  });

  it('rejects bad bodies before writing anything', async () => {
    const before = (await call(svc, 'GET', '/api/invitations?pageSize=500', { as: adminOf(w.reseller) })).body.items.length;
    const cases: [string, Parameters<typeof call>[3], number, string?][] = [
      ['unknown field', { body: { ...customer(), admin: true } }, 400, '(body)'],
      ['unknown customer field', { body: customer({ role: 'x' }) }, 400, 'customer'],
      ['bad email', { body: customer({ email: 'not-an-email' }) }, 400, 'customer.email'],
      ['bad domain', { body: customer({ domain: 'https://contoso.example/x' }) }, 400, 'customer.domain'],
      ['bad tenant', { body: customer({ tenantId: 'contoso' }) }, 400, 'customer.tenantId'],
      ['empty company', { body: customer({ companyName: '   ' }) }, 400, 'customer.companyName'],
      ['long company', { body: customer({ companyName: 'x'.repeat(257) }) }, 400, 'customer.companyName'],
      ['bad locale', { body: { ...customer(), locale: 'fr' } }, 400, 'locale'],
      ['send not boolean', { body: { ...customer(), send: 'yes' } }, 400, 'send'],
      ['array body', { body: [customer()] }, 400],
      ['null body', { rawBody: 'null', headers: { 'content-type': 'application/json' } }, 400],
      ['malformed JSON', { rawBody: '{"customer":', headers: { 'content-type': 'application/json' } }, 400],
      ['empty body', { rawBody: '', headers: { 'content-type': 'application/json' } }, 400],
      ['wrong content type', { rawBody: JSON.stringify(customer()), headers: { 'content-type': 'text/plain' } }, 415],
      ['form post', { rawBody: 'customer=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415],
      [
        'oversize',
        { rawBody: JSON.stringify(customer({ companyName: 'x'.repeat(70_000) })), headers: { 'content-type': 'application/json' } },
        413,
      ],
    ];
    for (const [label, opts, status, field] of cases) {
      const r = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), ...opts });
      expect(r.status, label).toBe(status);
      expect(r.headers.get('content-type'), label).toBe('application/problem+json');
      expect(r.body.detail, label).toEqual(expect.any(String));
      if (field) expect(Object.keys(r.body.errors ?? {}), label).toContain(field);
    }
    const after = (await call(svc, 'GET', '/api/invitations?pageSize=500', { as: adminOf(w.reseller) })).body.items.length;
    expect(after).toBe(before);
  });

  it('send: true without email configured is 409 email-not-configured and writes nothing', async () => {
    const before = (await call(svc, 'GET', '/api/audit?pageSize=500', { as: adminOf(w.reseller) })).body.items.length;
    const r = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body: { ...customer(), send: true } });
    expect(r.status).toBe(409);
    expect(r.body.type).toMatch(/email-not-configured$/);
    expect((await call(svc, 'GET', '/api/audit?pageSize=500', { as: adminOf(w.reseller) })).body.items.length).toBe(before);
  });
});

describe('get, list, revoke, send without email', () => {
  it('get shows the same link again while pending; other partners get 404', async () => {
    const c = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body: customer() });
    const g = await call(svc, 'GET', `/api/invitations/${c.body.id}`, { as: adminOf(w.reseller) });
    expect(g.status).toBe(200);
    expect(g.body.url).toBe(c.body.url);
    expect(g.body.draft).toEqual(c.body.draft);
    expect((await call(svc, 'GET', `/api/invitations/${c.body.id}`, { as: adminOf(w.otherReseller) })).status).toBe(404);
    expect((await call(svc, 'DELETE', `/api/invitations/${c.body.id}`, { as: adminOf(w.otherReseller) })).status).toBe(404);
    expect((await call(svc, 'POST', `/api/invitations/${c.body.id}/send`, { as: adminOf(w.otherReseller), body: {} })).status).toBe(404);
    expect((await call(svc, 'GET', `/api/invitations/not-an-id`, { as: adminOf(w.reseller) })).status).toBe(404);
    expect((await call(svc, 'GET', `/api/invitations/${randomUUID()}`, { as: adminOf(w.reseller) })).status).toBe(404);
  });

  it('send without email configured is 409 and the draft stays usable', async () => {
    const c = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body: customer() });
    const s = await call(svc, 'POST', `/api/invitations/${c.body.id}/send`, { as: adminOf(w.reseller) });
    expect(s.status).toBe(409);
    expect(s.body.type).toMatch(/email-not-configured$/);
    const g = await call(svc, 'GET', `/api/invitations/${c.body.id}`, { as: adminOf(w.reseller) });
    expect(g.body).toMatchObject({ status: 'pending', email: { status: 'notSent' } });
    expect(g.body.draft.text).toContain(g.body.url);
  });

  it('revoke kills the link, is idempotent, and is audited once', async () => {
    const c = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body: customer() });
    const r1 = await call(svc, 'DELETE', `/api/invitations/${c.body.id}`, { as: adminOf(w.reseller) });
    expect(r1.status).toBe(200);
    expect(r1.body.status).toBe('revoked');
    expect(r1.body.url).toBeUndefined();
    expect(r1.body.draft).toBeUndefined();
    const r2 = await call(svc, 'DELETE', `/api/invitations/${c.body.id}`, { as: adminOf(w.reseller) });
    expect(r2.status).toBe(200);
    const page = await call(svc, 'GET', c.body.url.replace(svc.url, ''));
    expect(page.status).toBe(410);
    const audit = (await call(svc, 'GET', '/api/audit?pageSize=500', { as: adminOf(w.reseller) })).body.items.filter(
      (e: any) => e.invitationId === c.body.id,
    );
    expect(audit.map((e: any) => e.action).sort()).toEqual(['invitation.created', 'invitation.revoked']);
    expect(audit.find((e: any) => e.action === 'invitation.revoked').actor.tenantId).toBe(w.reseller.id);
    expect((await call(svc, 'POST', `/api/invitations/${c.body.id}/send`, { as: adminOf(w.reseller), body: {} })).status).toBe(409);
  });

  it('lists newest first, filters by status, pages with signed tokens', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (await call(svc, 'POST', '/api/invitations', { as: adminOf(w.otherReseller), body: customer({ companyName: `C${i}` }) })).body.id,
      );
    await call(svc, 'DELETE', `/api/invitations/${ids[1]}`, { as: adminOf(w.otherReseller) });
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const r = await call(svc, 'GET', `/api/invitations?pageSize=2${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`, {
        as: adminOf(w.otherReseller),
      });
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.items.map((i: any) => i.id));
      token = r.body.continuationToken;
    } while (token);
    expect(seen).toEqual([...ids].reverse());
    const revoked = await call(svc, 'GET', '/api/invitations?status=revoked', { as: adminOf(w.otherReseller) });
    expect(revoked.body.items.map((i: any) => i.id)).toEqual([ids[1]]);
    const pending = await call(svc, 'GET', '/api/invitations?status=pending', { as: adminOf(w.otherReseller) });
    expect(pending.body.items).toHaveLength(4);
    // Isolation: the other reseller sees none of these.
    const mine = (await call(svc, 'GET', '/api/invitations?pageSize=500', { as: adminOf(w.reseller) })).body.items.map((i: any) => i.id);
    expect(mine.some((id: string) => ids.includes(id))).toBe(false);
  });

  it('rejects bad list queries and tampered continuation tokens', async () => {
    for (const q of [
      'status=open',
      'pageSize=0',
      'pageSize=501',
      'pageSize=ten',
      'continuationToken=abc',
      'continuationToken=eyJwIjoiaW52fCJ9.AAAAAAAAAAAAAAAAAAAAAA',
    ]) {
      const r = await call(svc, 'GET', `/api/invitations?${q}`, { as: adminOf(w.reseller) });
      expect(r.status, q).toBe(400);
    }
    // A token of one query is not valid for another.
    for (let i = 0; i < 2; i++) await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body: customer() });
    const p = await call(svc, 'GET', '/api/invitations?pageSize=1', { as: adminOf(w.reseller) });
    const t = encodeURIComponent(p.body.continuationToken);
    expect((await call(svc, 'GET', `/api/invitations?pageSize=1&continuationToken=${t}`, { as: adminOf(w.reseller) })).status).toBe(200);
    expect((await call(svc, 'GET', `/api/invitations?status=revoked&continuationToken=${t}`, { as: adminOf(w.reseller) })).status).toBe(
      400,
    );
    expect((await call(svc, 'GET', `/api/invitations?continuationToken=${t}`, { as: adminOf(w.otherReseller) })).status).toBe(400);
  });

  it('an invitation past its expiry reads as expired and cannot be revoked or sent', async () => {
    const c = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body: customer() });
    const realClock = svc.deps.clock;
    svc.deps.clock = { now: () => new Date(Date.parse(c.body.expiresAt) + 1000) };
    try {
      const g = await call(svc, 'GET', `/api/invitations/${c.body.id}`, { as: adminOf(w.reseller) });
      expect(g.body.status).toBe('expired');
      expect(g.body.url).toBeUndefined();
      const expired = await call(svc, 'GET', '/api/invitations?status=expired&pageSize=500', { as: adminOf(w.reseller) });
      expect(expired.body.items.map((i: any) => i.id)).toContain(c.body.id);
      expect((await call(svc, 'DELETE', `/api/invitations/${c.body.id}`, { as: adminOf(w.reseller) })).status).toBe(409);
      expect((await call(svc, 'GET', c.body.url.replace(svc.url, ''))).status).toBe(410);
      const audit = (await call(svc, 'GET', '/api/audit?pageSize=500', { as: adminOf(w.reseller) })).body.items.filter(
        (e: any) => e.invitationId === c.body.id,
      );
      expect(audit.map((e: any) => e.action)).toEqual(['invitation.expired', 'invitation.created']);
    } finally {
      svc.deps.clock = realClock;
    }
  });

  it('stores no token or link in plain text', async () => {
    const c = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body: customer() });
    const token = c.body.url.split('/').pop();
    const rows = await svc.rows.range('data', w.reseller.id, { from: '', to: '\uffff', limit: 10_000 });
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(token.slice(43));
    expect(svc.logs.join('\n')).not.toContain(token);
  });
});
