/**
 * The portal's pure parts: its catalogues (complete in both languages, the removal statement the
 * service's own), hash routes, the language default, the draft's mailto: and HTML, and the Overview
 * chart's grid lines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gridValues } from '../../portal/src/chartScale';
import { mailtoHref, messageHtml } from '../../portal/src/draftText';
import { catalogues, fill, pickLang } from '../../portal/src/i18n';
import { parseRoute } from '../../portal/src/routes';
import { ATTESTATION_STATEMENT } from '../../src/domain/relationships';

const leaves = (o: object, prefix = ''): [string, unknown][] =>
  Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? leaves(v as object, `${prefix}${k}.`) : [[`${prefix}${k}`, v]],
  );

describe('portal catalogues', () => {
  it('have the same keys, none empty, and the same {placeholders}', () => {
    const en = new Map(leaves(catalogues.en));
    const es = new Map(leaves(catalogues.es));
    expect([...es.keys()].sort()).toEqual([...en.keys()].sort());
    // Each placeholder once: a counted form (`one|other`) may hold {n} in each form, or in one.
    const holes = (s: unknown) => [...new Set(String(s).match(/\{\w+\}/g))].sort();
    for (const [key, text] of en) {
      expect(String(text).trim(), key).not.toBe('');
      expect(String(es.get(key)).trim(), key).not.toBe('');
      expect(holes(es.get(key)), key).toEqual(holes(text));
    }
  });

  it('show the statement the service asks the partner to attest, word for word', () => {
    expect(catalogues.en.removal.statement).toBe(ATTESTATION_STATEMENT);
  });

  it('use the exact names of the spec', () => {
    const { en, es } = catalogues;
    expect([en.nav.customers, en.nav.request, en.nav.newRelationship, en.nav.invitations]).toEqual([
      'Customers',
      'Request a reseller relationship',
      'New relationship',
      'Invitations',
    ]);
    expect([es.nav.customers, es.nav.request, es.nav.newRelationship, es.nav.invitations]).toEqual([
      'Clientes',
      'Solicitar una relación de revendedor',
      'Nueva relación',
      'Invitaciones',
    ]);
    expect([es.draft.copy, es.draft.openEmail, es.draft.send, es.draft.done, es.invitations.revoke]).toEqual([
      'Copiar al portapapeles',
      'Abrir en el correo electrónico',
      'Enviar',
      'Listo',
      'Revocar',
    ]);
    expect([es.customer.account, es.customer.remove, es.removal.remove, es.app.signIn]).toEqual([
      'Cuenta',
      'Quitar relación de cliente',
      'Quitar',
      'Iniciar sesión',
    ]);
    expect(en.removal.confirm).toMatch(/^I confirm/);
    expect(es.removal.confirm).toMatch(/^Confirmo/);
    expect([es.invite.companyName, es.invite.domain, es.invite.email, es.invite.tenantId, es.invite.provider, es.invite.language]).toEqual([
      'Nombre de la empresa',
      'Dominio',
      'Correo electrónico',
      'Id. de inquilino',
      'Proveedor indirecto',
      'Idioma',
    ]);
    expect([es.invite.submit, es.draft.subject, es.draft.message]).toEqual(['Crear invitación', 'Asunto', 'Mensaje']);
  });

  it('fill placeholders and leave unknown ones visible', () => {
    expect(fill('Page {n} of {m}', { n: 2 })).toBe('Page 2 of {m}');
  });
});

describe('the language default', () => {
  it('is the first of the browser’s languages the portal has, else English', () => {
    expect(pickLang(['es-MX', 'en-US'], null)).toBe('es');
    expect(pickLang(['fr-FR', 'EN-gb', 'es'], null)).toBe('en');
    expect(pickLang(['de'], null)).toBe('en');
    expect(pickLang([], undefined)).toBe('en');
  });
  it('gives way to the partner’s own choice', () => {
    expect(pickLang(['es-ES'], 'en')).toBe('en');
    expect(pickLang(['en-US'], 'es')).toBe('es');
    expect(pickLang(['en-US'], 'fr')).toBe('en');
  });
});

describe('hash routes', () => {
  it('name every screen, and nothing else', () => {
    expect(parseRoute('')).toEqual({ name: 'overview' });
    expect(parseRoute('#/')).toEqual({ name: 'overview' });
    expect(parseRoute('#/customers')).toEqual({ name: 'customers', status: 'active' });
    expect(parseRoute('#/customers?status=removed')).toEqual({ name: 'customers', status: 'removed' });
    expect(parseRoute('#/customers?status=bogus')).toEqual({ name: 'customers', status: 'active' });
    expect(parseRoute('#/customers/3f1d5b7a-2c4e-4a6b-8d9f-0e1a2b3c4d5e')).toEqual({
      name: 'customer',
      id: '3f1d5b7a-2c4e-4a6b-8d9f-0e1a2b3c4d5e',
    });
    expect(parseRoute('#/request')).toEqual({ name: 'request' });
    expect(parseRoute('#/new')).toEqual({ name: 'new' });
    expect(parseRoute('#/webhooks')).toEqual({ name: 'webhooks' });
    expect(parseRoute('#/invitations?status=pending')).toEqual({ name: 'invitations', status: 'pending' });
    expect(parseRoute('#/invitations/abc/review')).toEqual({ name: 'draft', id: 'abc' });
    expect(parseRoute('#/invitations/abc')).toEqual({ name: 'notFound' });
    expect(parseRoute('#/customers/a/b')).toEqual({ name: 'notFound' });
    expect(parseRoute('#/%E0%A4%A')).toEqual({ name: 'notFound' });
  });
});

describe('the draft', () => {
  const url = 'https://api.example/api/accept/abc_DEF-123';
  it('opens in email with the subject and body, line breaks as CRLF (RFC 6068)', () => {
    const href = mailtoHref('it@contoso.example', 'Our invitation & more', `Hello,\n\n${url}\n`);
    const parsed = new URL(href);
    expect(parsed.protocol).toBe('mailto:');
    expect(decodeURIComponent(parsed.pathname)).toBe('it@contoso.example');
    expect(parsed.searchParams.get('subject')).toBe('Our invitation & more');
    expect(parsed.searchParams.get('body')).toBe(`Hello,\r\n\r\n${url}\r\n`);
  });

  it('becomes HTML with the text escaped and the link as a visible anchor', () => {
    const html = messageHtml(`Hi <b>Contoso</b> & co,\nline two\n\nOpen ${url} now`, url);
    expect(html).toBe(`<p>Hi &#60;b&#62;Contoso&#60;/b&#62; &#38; co,<br>line two</p>\n<p>Open <a href="${url}">${url}</a> now</p>`);
  });
});

describe('the deployed portal’s config.json (scripts/portal-config.mjs)', () => {
  const load = async () =>
    (await import(join(__dirname, '..', '..', 'scripts', 'portal-config.mjs'))) as {
      portalConfig: (env: Record<string, string | undefined>) => unknown;
    };
  it('points at the Function App and asks Entra ID for the API’s scope', async () => {
    const { portalConfig } = await load();
    expect(
      portalConfig({ SERVICE_API_URI: 'https://func-api-x.azurewebsites.net/', PORTAL_CLIENT_ID: 'spa-id', AUTH_CLIENT_ID: 'api-id' }),
    ).toEqual({
      apiBaseUrl: 'https://func-api-x.azurewebsites.net',
      auth: { clientId: 'spa-id', authority: 'https://login.microsoftonline.com/organizations', scopes: ['api://api-id/access_as_user'] },
    });
  });
  it('names every missing value', async () => {
    const { portalConfig } = await load();
    expect(() => portalConfig({ SERVICE_API_URI: 'https://x' })).toThrow(/PORTAL_CLIENT_ID, AUTH_CLIENT_ID/);
  });
});

describe('the deployed portal’s CSP (issue 25, item 8)', () => {
  const connectSrc = (csp: string) => /connect-src ([^;]+)/.exec(csp)?.[1]?.split(' ') ?? [];
  const env = { SERVICE_API_URI: 'https://func-api-x.azurewebsites.net/', PORTAL_CLIENT_ID: 'spa-id', AUTH_CLIENT_ID: 'api-id' };

  it('lets the portal connect to its own origin, the API’s origin (from the Bicep’s SERVICE_API_URI) and Entra ID, nothing else', async () => {
    const { staticWebAppConfig } = (await import(join(__dirname, '..', '..', 'scripts', 'portal-config.mjs'))) as {
      staticWebAppConfig: (env: Record<string, string | undefined>, template: unknown) => { globalHeaders: Record<string, string> };
    };
    const template = JSON.parse(readFileSync(join(__dirname, '..', '..', 'portal', 'staticwebapp.config.json'), 'utf8')) as unknown;
    const deployed = staticWebAppConfig(env, template);
    expect(connectSrc(deployed.globalHeaders['Content-Security-Policy']!)).toEqual([
      "'self'",
      'https://func-api-x.azurewebsites.net',
      'https://login.microsoftonline.com',
    ]);
    // Every other header and route of the template stays as it is.
    expect({ ...deployed, globalHeaders: {} }).toEqual({ ...(template as object), globalHeaders: {} });
  });

  it('no wildcard anywhere in the CSP the portal ships with', () => {
    const file = readFileSync(join(__dirname, '..', '..', 'portal', 'staticwebapp.config.json'), 'utf8');
    const csp = (JSON.parse(file) as { globalHeaders: Record<string, string> }).globalHeaders['Content-Security-Policy']!;
    expect(csp).not.toContain('*');
    expect(connectSrc(csp)).toEqual(["'self'", 'https://login.microsoftonline.com']);
  });
});

describe('the Overview chart', () => {
  it('draws its grid lines at whole numbers, each once', () => {
    expect(gridValues(1)).toEqual([0, 1]);
    expect(gridValues(2)).toEqual([0, 1, 2]);
    expect(gridValues(3)).toEqual([0, 2, 3]);
    expect(gridValues(6)).toEqual([0, 3, 6]);
    expect(gridValues(0)).toEqual([0]);
  });
});
