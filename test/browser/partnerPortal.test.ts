/**
 * The partner portal (portal/, served by the local runner at /portal/ on the API's origin) in
 * Chromium: the seed's own story in English and in Spanish (sign in as the reseller's admin agent,
 * New relationship with the indirect provider, edit, copy and mailto the draft, Done; the
 * customer's global admin accepts in a second context; the customer is listed, at the provider
 * too; Account → Remove customer relationship; gone from Customers, shown under removed), the
 * link check while editing, Revoke, users who may not use the portal, axe-core on every screen,
 * and 360 px screenshots.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../src/domain/eventTypes';
import { ATTESTATION_STATEMENT } from '../../src/domain/relationships';
import { ROLE_CATALOGUE } from '../../src/domain/roles';
import type { Webhook } from '../../src/domain/model';
import { builtPortal, expectAccessible, fillLocalSignIn, launchChromium, SHOTS } from '../support/browser';
import { adminOf, call, seedWorld, startService, type Service, type World } from '../support/harness';
import { seedRelationships } from '../support/seedRelationships';

/** `UPDATE_SCREENSHOTS=1` also writes the README's screenshot (docs/portal.png). */
const DOCS_SHOT = join(__dirname, '..', '..', 'docs', 'portal.png');

let svc: Service;
let w: World;
let browser: Browser;
let portal: string;

beforeAll(async () => {
  const outdir = await builtPortal();
  // Webhook deliveries run (the queue trigger), to a loopback receiver.
  svc = await startService({ webhooks: { allowPrivateTargets: true, retryScale: 0.001 } }, [], { portalDir: outdir, queues: true });
  w = await seedWorld(svc.deps);
  browser = await launchChromium();
  portal = `${svc.url}/portal/`;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await svc?.close();
});

/** At 360 px the page needs no horizontal scroll; a full-page screenshot in test-results/ to look at. */
async function at360(page: Page, shot: string) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 900 });
  expect(await page.evaluate('document.documentElement.scrollWidth'), `${shot}: no horizontal scroll`).toBeLessThanOrEqual(360);
  await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true });
  if (size) await page.setViewportSize(size);
}

async function newContext(locale: 'en-GB' | 'es-ES', width = 1280): Promise<BrowserContext> {
  const context = await browser.newContext({ locale, viewport: { width, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: svc.url });
  return context;
}

/** The portal's "Sign in" link, then the local sign-in form (the runner's stand-in for Entra ID). */
async function signIn(page: Page, who: { tenantId: string; roles: string; name?: string }, signInName: string) {
  await page.goto(portal);
  const link = page.getByRole('link', { name: signInName });
  expect(await link.getAttribute('href')).toBe('/.auth/login/aad?post_login_redirect_uri=/portal/');
  await link.click();
  await fillLocalSignIn(page, { tenantId: who.tenantId, roles: who.roles, name: who.name ?? 'ana@fabrikam.example' });
  await page.waitForURL(portal);
}

/** The customer's global admin accepts the link in its own browser context. */
async function acceptAsCustomer(url: string, tenantId: string, signInName: string, acceptName: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.getByRole('link', { name: signInName }).click();
  await fillLocalSignIn(page, { tenantId: tenantId, roles: 'GlobalAdmin', name: 'ga@customer.example' });
  await page.waitForURL(url);
  await page.getByRole('button', { name: acceptName }).click();
  await page.waitForLoadState();
  expect(await page.locator('h1').innerText()).not.toBe('');
  await context.close();
}

interface Names {
  locale: 'en-GB' | 'es-ES';
  signIn: string;
  overview: string;
  customers: string;
  newRelationship: string;
  companyName: string;
  domain: string;
  email: string;
  provider: string;
  language: string;
  create: string;
  subject: string;
  message: string;
  copy: string;
  openEmail: string;
  send: string;
  done: string;
  account: string;
  remove: string;
  confirm: RegExp;
  removeButton: string;
  status: string;
  removedOption: string;
  accept: string;
  search: string;
  switchTo: string;
}

const EN: Names = {
  locale: 'en-GB',
  signIn: 'Sign in',
  overview: 'Overview',
  customers: 'Customers',
  newRelationship: 'New relationship',
  companyName: 'Company name',
  domain: 'Domain',
  email: 'Email address',
  provider: 'Indirect provider',
  language: 'Language',
  create: 'Create invitation',
  subject: 'Subject',
  message: 'Message',
  copy: 'Copy to clipboard',
  openEmail: 'Open in email',
  send: 'Send',
  done: 'Done',
  account: 'Account',
  remove: 'Remove customer relationship',
  confirm: /^I confirm/,
  removeButton: 'Remove',
  status: 'Status',
  removedOption: 'removed',
  accept: 'Accept',
  search: 'Search customers',
  switchTo: 'Español',
};

const ES: Names = {
  locale: 'es-ES',
  signIn: 'Iniciar sesión',
  overview: 'Resumen',
  customers: 'Clientes',
  newRelationship: 'Nueva relación',
  companyName: 'Nombre de la empresa',
  domain: 'Dominio',
  email: 'Correo electrónico',
  provider: 'Proveedor indirecto',
  language: 'Idioma',
  create: 'Crear invitación',
  subject: 'Asunto',
  message: 'Mensaje',
  copy: 'Copiar al portapapeles',
  openEmail: 'Abrir en el correo electrónico',
  send: 'Enviar',
  done: 'Listo',
  account: 'Cuenta',
  remove: 'Quitar relación de cliente',
  confirm: /^Confirmo/,
  removeButton: 'Quitar',
  status: 'Estado',
  removedOption: 'removed',
  accept: 'Aceptar',
  search: 'Buscar clientes',
  switchTo: 'English',
};

/**
 * The seed's story. `keyboard`: every step by keyboard alone (focus, type, Enter, Space, arrows),
 * no mouse click in the portal.
 */
async function story(n: Names, keyboard: boolean) {
  const context = await newContext(n.locale);
  const page = await context.newPage();
  const press = async (locator: ReturnType<Page['locator']>, key = 'Enter') => {
    if (!keyboard) return locator.click();
    await locator.focus();
    await page.keyboard.press(key);
  };
  const company = `Contoso ${n.locale} ${randomUUID().slice(0, 6)}`;
  const tenant = randomUUID();

  // Not signed in: the Sign in link only.
  await page.goto(portal);
  await expect.poll(() => page.getByRole('link', { name: n.signIn }).count()).toBe(1);
  expect(await page.getByRole('link', { name: n.newRelationship }).count()).toBe(0);
  await expectAccessible(page, `signed out (${n.locale})`);
  await signIn(page, { tenantId: w.reseller.id, roles: 'AdminAgent' }, n.signIn);

  // The Overview first, then Customers (empty at first for this reseller, or not: others may have run).
  await page.getByRole('heading', { level: 1, name: n.overview }).waitFor();
  await page.getByRole('link', { name: n.customers }).click();
  await page.getByRole('heading', { level: 1, name: n.customers }).waitFor();
  expect(await page.getByRole('button', { name: n.switchTo }).count()).toBe(1);
  await expectAccessible(page, `customers (${n.locale})`);

  // New relationship with the indirect provider.
  await press(page.getByRole('link', { name: n.newRelationship }));
  await page.getByRole('heading', { level: 1, name: n.newRelationship }).waitFor();
  await expectAccessible(page, `new relationship (${n.locale})`);
  // The roles to ask for, from GET /api/roles: the least-privilege readers are chosen by default.
  const roles = page.getByRole('group');
  expect(await roles.count()).toBe(1);
  await roles.getByRole('checkbox', { checked: true }).first().waitFor();
  await page.getByLabel(n.companyName).fill(company);
  await page.getByLabel(n.email).fill('it@contoso.example');
  await page.getByLabel(n.domain).fill(`c${tenant.slice(0, 8)}.example`);
  await page.getByLabel(n.provider).selectOption({ label: w.provider.name });
  expect(await page.getByLabel(n.language).inputValue()).toBe(n.locale.slice(0, 2));
  await press(page.getByRole('button', { name: n.create }));

  // The draft review.
  const subject = page.getByLabel(n.subject);
  await subject.waitFor();
  const message = page.getByLabel(n.message);
  const original = await message.inputValue();
  const url = (await page.locator('code').first().innerText()).trim();
  expect(url).toMatch(/\/api\/accept\//);
  expect(original).toContain(url);
  expect(original).toContain(w.provider.name);
  await expectAccessible(page, `draft (${n.locale})`);
  await subject.fill(`${company}: our invitation`);
  const edited = `Hello ${company} team!\n\n${original}`;
  await message.fill(edited);
  await press(page.getByRole('button', { name: n.copy }));
  await expect.poll(() => page.evaluate('navigator.clipboard.readText()')).toBe(edited);
  const mailto = new URL((await page.getByRole('link', { name: n.openEmail }).getAttribute('href'))!);
  expect(mailto.protocol).toBe('mailto:');
  expect(decodeURIComponent(mailto.pathname)).toBe('it@contoso.example');
  expect(mailto.searchParams.get('subject')).toBe(`${company}: our invitation`);
  expect(mailto.searchParams.get('body')).toBe(edited.replace(/\n/g, '\r\n'));
  // The service has no email here: no Send.
  expect(await page.getByRole('button', { name: n.send, exact: true }).count()).toBe(0);
  await press(page.getByRole('button', { name: n.done }));
  await page.getByRole('heading', { level: 1, name: n.customers }).waitFor();

  // The customer's global admin accepts, in another browser context.
  await acceptAsCustomer(url, tenant, n.signIn, n.accept);

  // Back in the portal the customer is listed (and at the provider).
  await page.reload();
  await page.getByLabel(n.search).fill(company.slice(0, 12));
  const customerLink = page.getByRole('link', { name: company });
  await customerLink.waitFor();
  const atProvider = await call(svc, 'GET', '/api/relationships', { as: adminOf(w.provider) });
  expect(atProvider.body.items.map((r: any) => r.customerId)).toContain(tenant);
  if (n.locale === 'en-GB') await page.screenshot({ path: join(SHOTS, 'portal-customers.png') });

  // Its record: details, delegated admin, activity; Account → Remove customer relationship.
  await press(customerLink);
  await page.getByRole('heading', { level: 1, name: company }).waitFor();
  expect(await page.locator('main').innerText()).toContain(tenant);
  await expectAccessible(page, `record (${n.locale})`);
  const tabs = page.getByRole('tab');
  expect(await tabs.count()).toBe(3);
  if (keyboard) {
    await tabs.first().focus();
    await page.keyboard.press('ArrowRight');
  } else await tabs.nth(1).click();
  await expect
    .poll(() => page.getByRole('tabpanel').innerText())
    .toContain(n.locale === 'es-ES' ? 'Relación establecida' : 'Relationship established');
  await expectAccessible(page, `activity (${n.locale})`);
  if (keyboard) await page.keyboard.press('ArrowRight');
  else await page.getByRole('tab', { name: n.account }).click();
  expect(await page.getByRole('tab', { name: n.account }).getAttribute('aria-selected')).toBe('true');
  await press(page.getByRole('button', { name: n.remove }));

  const dialog = page.getByRole('dialog', { name: n.remove });
  await dialog.waitFor();
  if (n.locale === 'en-GB') {
    expect(await dialog.innerText()).toContain(ATTESTATION_STATEMENT);
    await page.screenshot({ path: join(SHOTS, 'portal-removal.png') });
  }
  await expectAccessible(page, `removal dialog (${n.locale})`);
  // Escape closes it and changes nothing; the button opens it again.
  await page.keyboard.press('Escape');
  await expect.poll(() => dialog.count()).toBe(0);
  await press(page.getByRole('button', { name: n.remove }));
  await dialog.waitFor();
  // Remove without the confirmation: refused in the page, nothing sent.
  await press(dialog.getByRole('button', { name: n.removeButton, exact: true }));
  expect(await dialog.getByRole('checkbox', { name: n.confirm }).getAttribute('aria-invalid')).toBe('true');
  await press(dialog.getByRole('checkbox', { name: n.confirm }), 'Space');
  await dialog.getByRole('textbox').fill('Contract ended');
  await press(dialog.getByRole('button', { name: n.removeButton, exact: true }));

  // Gone from Customers, shown under removed.
  await page.getByRole('heading', { level: 1, name: n.customers }).waitFor();
  await expect.poll(() => page.getByRole('status').first().innerText()).toContain(company);
  await expect.poll(() => page.getByRole('link', { name: company }).count()).toBe(0);
  await page.getByLabel(n.status).selectOption('removed');
  await page.getByRole('link', { name: company }).waitFor();
  const rel = await call(svc, 'GET', `/api/relationships/${tenant}`, { as: adminOf(w.reseller) });
  expect(rel.body).toMatchObject({ status: 'removed', delegatedAdmin: { status: 'revoked' } });
  const audit = await call(svc, 'GET', `/api/audit?customerId=${tenant}`, { as: adminOf(w.reseller) });
  expect(audit.body.items[0]).toMatchObject({ action: 'relationship.removed', details: { reason: 'Contract ended' } });
  await context.close();
}

describe('the partner portal', () => {
  it('redirects / and /portal to /portal/ and serves only the built files', async () => {
    for (const path of ['/', '/portal', '/index.html']) {
      const r = await fetch(`${svc.url}${path}`, { redirect: 'manual' });
      expect(r.status).toBe(302);
      expect(r.headers.get('location')).toBe('/portal/');
    }
    const index = await fetch(portal);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('x-request-id')).toBeTruthy();
    expect((await fetch(`${portal}config.json`)).status).toBe(200);
    for (const path of ['%2e%2e/%2e%2e/package.json', '..%2f..%2fpackage.json', 'nothing.js', '.hidden']) {
      expect((await fetch(`${portal}${path}`)).status).toBe(404);
    }
    expect((await fetch(portal, { method: 'POST' })).status).toBe(405);
    // The API's own 404s are unchanged.
    expect((await fetch(`${svc.url}/api/nothing`)).status).toBe(404);
  });

  it('the seed story in English, with the mouse', async () => {
    await story(EN, false);
  }, 90_000);

  it('the seed story in Spanish, from the browser language, by keyboard alone', async () => {
    await story(ES, true);
  }, 90_000);

  it('checks the link while the partner types, switches language, and shows problems as the API words them', async () => {
    const context = await newContext('en-GB', 360);
    const page = await context.newPage();
    await signIn(page, { tenantId: w.reseller.id, roles: 'AdminAgent' }, 'Sign in');
    await page.goto(`${portal}#/customers`);
    await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();

    // An invalid email address: the API's 400 names the field; its detail is shown.
    await page.goto(`${portal}#/new`);
    await page.getByLabel('Company name').fill('Fourth Coffee');
    await page.getByLabel('Email address').fill('not-an-address');
    await page.getByRole('button', { name: 'Create invitation' }).click();
    await expect.poll(() => page.getByRole('alert').count()).toBeGreaterThan(0);
    expect(await page.getByLabel('Email address').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'invitation form with errors');
    await page.getByLabel('Email address').fill('it@fourthcoffee.example');
    await page.getByRole('button', { name: 'Create invitation' }).click();

    const message = page.getByLabel('Message');
    await message.waitFor();
    await page.screenshot({ path: join(SHOTS, 'portal-draft-360.png'), fullPage: true });
    const url = (await page.locator('code').first().innerText()).trim();
    const original = await message.inputValue();
    await message.fill(original.replace(url, 'https://example.com/elsewhere'));
    const error = page.getByRole('alert');
    await error.waitFor();
    expect(await error.innerText()).toContain(url);
    expect(await message.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('button', { name: 'Copy to clipboard' }).isDisabled()).toBe(true);
    expect(await page.getByRole('link', { name: 'Open in email' }).getAttribute('href')).toBeNull();
    await expectAccessible(page, 'draft with the link missing');
    await page.getByRole('button', { name: 'Add the link back' }).click();
    expect(await message.inputValue()).toContain(url);
    expect(await page.getByRole('alert').count()).toBe(0);

    // The language switch: everything in Spanish, the choice kept across a reload.
    await page.getByRole('button', { name: 'Español' }).click();
    await page.getByLabel('Mensaje').waitFor();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('es');
    await page.reload();
    await page.getByRole('link', { name: 'Clientes' }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('link', { name: 'Customers' }).waitFor();

    // A record that does not exist: the problem's detail, not a blank page.
    await page.goto(`${portal}#/customers/${randomUUID()}`);
    await expect.poll(() => page.getByRole('alert').count()).toBe(1);
    expect(await page.getByRole('alert').innerText()).not.toBe('');
    await context.close();
  }, 60_000);

  it('lists invitations with expiry and delivery status; Copy link and Revoke', async () => {
    const created = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: { customer: { companyName: `Revoke me ${randomUUID().slice(0, 6)}`, email: 'it@revoke.example' } },
    });
    expect(created.status).toBe(201);
    const { customer, url } = created.body as { customer: { companyName: string }; url: string };
    const context = await newContext('en-GB');
    const page = await context.newPage();
    await signIn(page, { tenantId: w.reseller.id, roles: 'AdminAgent' }, 'Sign in');
    await page.getByRole('link', { name: 'Invitations' }).click();
    const card = page.getByRole('listitem').filter({ hasText: customer.companyName });
    await card.waitFor();
    expect(await card.innerText()).toContain('Not sent');
    await expectAccessible(page, 'invitations');
    await card.getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => page.evaluate('navigator.clipboard.readText()')).toBe(url);
    await card.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => card.innerText()).toContain('Revoked');
    expect(await card.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
    expect((await fetch(url)).status).toBe(410);
    await page.getByLabel('Status').selectOption('revoked');
    await page.getByRole('listitem').filter({ hasText: customer.companyName }).waitFor();
    await context.close();
  }, 60_000);

  it('registers a webhook, shows its secret once, sends a test event and shows it delivered; Spanish too', async () => {
    const received: { headers: Record<string, unknown>; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    const context = await newContext('en-GB');
    const page = await context.newPage();
    try {
      await signIn(page, { tenantId: w.reseller.id, roles: 'AdminAgent' }, 'Sign in');
      await page.getByRole('link', { name: 'Webhooks' }).click();
      await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
      await page.getByText('No webhook is registered yet.').waitFor();
      await expectAccessible(page, 'webhooks (none)');
      await page.getByLabel('Webhook URL').fill(hook);
      await page.getByRole('button', { name: 'Save webhook' }).click();
      const secret = page.locator('code.secret');
      await secret.waitFor();
      const shown = await secret.innerText();
      expect(shown).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
      await page.getByRole('button', { name: 'Copy secret' }).click();
      await expect.poll(() => page.evaluate('navigator.clipboard.readText()')).toBe(shown);
      await expectAccessible(page, 'webhooks (secret shown)');

      await page.getByRole('button', { name: 'Send a test event' }).click();
      await expect.poll(() => received.length, { timeout: 15_000 }).toBeGreaterThan(0);
      const event = JSON.parse(received[0]!.body) as { type: string; source: string };
      expect(event).toMatchObject({ type: 'test.created', source: `/partners/${w.reseller.id}` });
      expect(received[0]!.headers['webhook-signature']).toMatch(/^v1,/);
      await expect
        .poll(async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return page.getByRole('list', { name: 'Deliveries' }).innerText();
        })
        .toContain('Delivered');

      // Read back later: the secret is not shown again; the registration is.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
      expect(await page.getByLabel('Webhook URL').inputValue()).toBe(hook);
      expect(await page.locator('code.secret').count()).toBe(0);

      // Some events only: the screen offers every type the service accepts, from the service's own list.
      await page.getByLabel('All events').uncheck();
      const events = page.getByRole('group', { name: 'Events' });
      expect(await events.getByRole('checkbox').count()).toBe(AUDIT_ACTIONS.length + 1);
      await events.getByRole('checkbox', { name: 'relationship.removed' }).check();
      await events.getByRole('checkbox', { name: 'partner.suspended' }).check();
      await page.getByRole('button', { name: 'Save webhook' }).click();
      await page.getByText('The webhook was saved.').waitFor();
      const saved = await call(svc, 'GET', '/api/webhooks', { as: adminOf(w.reseller) });
      expect(saved.body.events).toEqual(['relationship.removed', 'partner.suspended']);
      await page.reload();
      await events.getByRole('checkbox', { name: 'partner.suspended', checked: true }).waitFor();
      await expectAccessible(page, 'webhooks (some events)');
      await at360(page, 'portal-webhooks-events-360');

      await page.getByRole('button', { name: 'Español' }).click();
      await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
      await page.getByLabel('URL del webhook').waitFor();
      await page.getByRole('button', { name: 'Quitar el webhook' }).click();
      await page.getByText('Aún no hay ningún webhook registrado.').waitFor();
      await page.getByRole('button', { name: 'English' }).click();
    } finally {
      await context.close();
      receiver.close();
    }
  }, 90_000);

  it('shows a failing endpoint and a disabled one, in English and Spanish; a test event enables it again', async () => {
    const receiver = createServer((_req, res) => res.writeHead(204).end());
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const p = (await seedWorld(svc.deps)).reseller;
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/health`;
    expect((await call(svc, 'PUT', '/api/webhooks', { as: adminOf(p), body: { url } })).status).toBe(201);
    // The circuit as the worker leaves it after failures (the worker's own tests: test/e2e/webhook-health.test.ts).
    const setHealth = async (health: Webhook['health']) => {
      const found = (await svc.deps.store.webhook(p.id))!;
      await svc.deps.store.commit(p.id, [{ kind: 'saveWebhook', webhook: { ...found.value, health }, version: found.version }]);
    };
    const since = new Date(Date.now() - 4 * 86_400_000).toISOString();
    const context = await newContext('en-GB', 360);
    const page = await context.newPage();
    try {
      await signIn(page, { tenantId: p.id, roles: 'AdminAgent' }, 'Sign in');
      await page.getByRole('link', { name: 'Webhooks' }).click();
      const health = page.getByRole('region', { name: 'Endpoint health' });
      await health.getByText('Healthy').waitFor();

      await setHealth({ status: 'failing', failingSince: since, consecutiveFailures: 7, nextProbeAt: since });
      await page.reload();
      await health.getByText('Failing').waitFor();
      expect(await health.innerText()).toContain('7 failed attempts in a row since');
      expect(await health.innerText()).toContain('A successful delivery or a test event closes the circuit.');
      await expectAccessible(page, 'webhooks (failing)');
      await at360(page, 'portal-webhooks-failing-360');

      await setHealth({ status: 'disabled', failingSince: since, consecutiveFailures: 40 });
      await page.reload();
      await health.getByText('Disabled').waitFor();
      expect(await health.innerText()).toContain('deliveries are held');
      await at360(page, 'portal-webhooks-disabled-360');

      await page.getByRole('button', { name: 'Español' }).click();
      const salud = page.getByRole('region', { name: 'Estado del punto de conexión' });
      await salud.getByText('Deshabilitado').waitFor();
      expect(await salud.innerText()).toContain('40 intentos fallidos seguidos desde el');
      expect(await salud.innerText()).toContain('las entregas quedan retenidas');
      await expectAccessible(page, 'webhooks (disabled, Spanish)');
      await at360(page, 'portal-webhooks-disabled-es-360');

      // Keyboard only: the test event re-enables it.
      await page.getByRole('button', { name: 'Enviar un evento de prueba' }).focus();
      await page.keyboard.press('Enter');
      await salud.getByText('Correcto').waitFor();
      expect((await call(svc, 'GET', '/api/webhooks', { as: adminOf(p) })).body.health.status).toBe('healthy');
      await page.getByRole('button', { name: 'English' }).click();
    } finally {
      await context.close();
      receiver.close();
    }
  }, 90_000);

  it('shows no actions to users without a partner role, nor to tenants that are not enrolled', async () => {
    const context = await newContext('en-GB');
    for (const who of [
      { tenantId: w.reseller.id, roles: 'Reader' },
      { tenantId: randomUUID(), roles: 'AdminAgent' },
    ]) {
      const page = await context.newPage();
      await signIn(page, who, 'Sign in');
      await page.getByRole('heading', { level: 1, name: 'You cannot use the partner portal' }).waitFor();
      expect(await page.getByRole('alert').innerText()).not.toBe('');
      for (const name of ['Customers', 'Invitations', 'New relationship', 'Request a reseller relationship']) {
        expect(await page.getByRole('link', { name }).count()).toBe(0);
      }
      expect(await page.getByRole('button', { name: /Remove|Revoke|Create/ }).count()).toBe(0);
      await expectAccessible(page, `no access (${who.roles})`);
      await page.close();
      await context.clearCookies();
    }
    await context.close();
  }, 60_000);

  it('asks for the catalogue’s delegated admin roles and a duration, and shows the granted ones on the record', async () => {
    // The service's own roles API: the catalogue, `access` on the invitation, the grant on acceptance.
    const helpdesk = ROLE_CATALOGUE.find((r) => r.name.en === 'Helpdesk Administrator')!;
    const context = await newContext('es-ES');
    const page = await context.newPage();
    let sent: any;
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/invitations') sent = request.postDataJSON();
    });
    await signIn(page, { tenantId: w.reseller.id, roles: 'AdminAgent' }, 'Iniciar sesión');
    await page.getByRole('link', { name: 'Nueva relación' }).click();
    const roles = page.getByRole('group', { name: 'Roles de administrador delegado' });
    await roles.waitFor();
    // Every role of the catalogue, in Spanish (and the auto-extension); the least-privilege readers start chosen.
    for (const role of ROLE_CATALOGUE)
      await roles
        .getByRole('checkbox', { name: new RegExp(role.name.es) })
        .first()
        .waitFor();
    expect(await roles.getByRole('checkbox').count()).toBe(ROLE_CATALOGUE.length + 1);
    const chosen = await roles.getByRole('checkbox', { checked: true }).count();
    expect(chosen).toBeGreaterThan(0);
    await expectAccessible(page, 'invitation form with roles');
    await at360(page, 'portal-roles-360');
    await page.getByLabel('Nombre de la empresa').fill('Litware');
    await page.getByLabel('Correo electrónico').fill('it@litware.example');
    await page.getByRole('checkbox', { name: new RegExp(helpdesk.name.es) }).check();
    await page.getByLabel('Duración (días)').fill('90');
    await page.getByRole('button', { name: 'Crear invitación' }).click();
    await page.getByLabel('Mensaje').waitFor();
    expect(sent.access).toMatchObject({ duration: 'P90D', autoExtend: false });
    expect(sent.access.roles).toHaveLength(chosen + 1);
    expect(sent.access.roles).toContain(helpdesk.id);
    const url = (await page.locator('code').first().innerText()).trim();

    // The customer accepts: its record shows the granted roles by their Spanish names, and the end.
    const tenant = randomUUID();
    await acceptAsCustomer(url, tenant, 'Iniciar sesión', 'Aceptar');
    const rel = await call(svc, 'GET', `/api/relationships/${tenant}`, { as: adminOf(w.reseller) });
    expect(rel.body.delegatedAdmin.roles).toEqual(sent.access.roles);
    await page.goto(`${portal}#/customers/${tenant}`);
    const details = page.getByRole('tabpanel');
    await expect.poll(() => details.innerText()).toContain(helpdesk.name.es);
    expect(await details.innerText()).toContain(String(new Date(rel.body.delegatedAdmin.endsAt).getUTCFullYear()));
    await context.close();
  }, 60_000);

  it('offers Send when the service has email, and shows the service’s refusal in the page', async () => {
    const context = await newContext('en-GB');
    const page = await context.newPage();
    // The service says it has email; the send itself reaches the real service, which has none (409).
    await page.route('**/api/health', (route) => route.fulfill({ json: { status: 'ok', storage: 'ok', email: 'configured' } }));
    let sent: any;
    await page.route('**/api/invitations/*/send', (route) => {
      sent = route.request().postDataJSON();
      return route.continue();
    });
    await signIn(page, { tenantId: w.reseller.id, roles: 'AdminAgent' }, 'Sign in');
    await page.getByRole('link', { name: 'Request a reseller relationship' }).click();
    await page.getByLabel('Company name').fill('Proseware');
    await page.getByLabel('Email address').fill('it@proseware.example');
    await page.getByRole('button', { name: 'Create invitation' }).click();
    // An existing customer needs its tenant ID or domain.
    expect(await page.getByLabel('Tenant ID').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Tenant ID').fill(randomUUID());
    await page.getByRole('button', { name: 'Create invitation' }).click();
    const message = page.getByLabel('Message');
    await message.waitFor();
    const url = (await page.locator('code').first().innerText()).trim();
    await message.fill(`Dear Proseware <team>,\n\nPlease accept: ${url}`);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/email/i);
    expect(sent.text).toBe(`Dear Proseware <team>,\n\nPlease accept: ${url}`);
    expect(sent.html).toContain(`<a href="${url}">`);
    expect(sent.html).toContain('Proseware &#60;team&#62;');
    await context.close();
  }, 60_000);

  it('loads MSAL only when config.json asks for Entra ID, and then offers its sign-in', async () => {
    const context = await newContext('en-GB');
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    await page.goto(portal);
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    const local = [...scripts];
    expect(local).toContain('/portal/main.js');
    await page.route('**/portal/config.json', (route) =>
      route.fulfill({
        json: {
          apiBaseUrl: svc.url,
          auth: {
            clientId: randomUUID(),
            authority: 'https://login.microsoftonline.com/organizations',
            scopes: ['api://x/access_as_user'],
          },
        },
      }),
    );
    scripts.length = 0;
    await page.reload();
    // No account yet: no token, the API says 401, the portal offers MSAL's sign-in (a button, not the local link).
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('link', { name: 'Sign in' }).count()).toBe(0);
    // MSAL comes in a chunk of its own, which the local page never loaded.
    const extra = scripts.filter((s) => !local.includes(s));
    expect(extra.length).toBeGreaterThan(0);
    expect(extra.every((s) => s.startsWith('/portal/chunks/'))).toBe(true);
    await context.close();
  }, 60_000);

  it('is usable from the keyboard alone: skip link, tab order, visible focus', async () => {
    const context = await newContext('en-GB');
    const page = await context.newPage();
    await signIn(page, { tenantId: w.reseller.id, roles: 'AdminAgent' }, 'Sign in');
    await page.goto(`${portal}#/customers`);
    await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
    const focused = () =>
      page.evaluate<{ text: string; outline: string; width: string }>(
        `(() => { const e = document.activeElement; const s = getComputedStyle(e);
           return { text: (e.textContent || e.getAttribute('aria-label') || e.id || '').trim(), outline: s.outlineStyle, width: s.outlineWidth }; })()`,
      );
    await page.getByRole('link', { name: 'Skip to content' }).focus();
    const order: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      const f = await focused();
      order.push(f.text);
      // Every stop shows where the focus is (a 3 px outline from :focus-visible).
      expect(f.outline, f.text).not.toBe('none');
      expect(f.width, f.text).toBe('3px');
    }
    expect(order).toEqual([
      'Español',
      'Sign out',
      'Overview',
      'Customers',
      'Invitations',
      'Request a reseller relationship',
      'New relationship',
      'Bulk invite',
      'Webhooks',
      'customer-search',
      'ActiveRemoved', // the status select (its options' text)
      'Export CSV',
    ]);
    for (let i = 0; i < 12; i++) await page.keyboard.press('Shift+Tab');
    expect(await focused()).toEqual({ text: 'Skip to content', outline: 'solid', width: '3px' });
    // The skip link moves focus to the content.
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
    await context.close();
  }, 60_000);

  it('pages through many customers and searches them; 360 px and README screenshots', async () => {
    const names = [
      'Adatum',
      'Alpine Ski House',
      'Blue Yonder Airlines',
      'Coho Winery',
      'Contoso',
      'Fabrikam Residences',
      'Fourth Coffee',
      'Graphic Design Institute',
      'Humongous Insurance',
      'Litware',
      'Lucerne Publishing',
      'Margie’s Travel',
      'Northwind Traders',
      'Proseware',
      'Relecloud',
      'School of Fine Art',
      'Southridge Video',
      'Tailspin Toys',
      'Trey Research',
      'Wide World Importers',
      'Wingtip Toys',
      'Woodgrove Bank',
    ];
    await seedRelationships(
      svc.deps.store,
      w.otherReseller.id,
      names.map((companyName) => ({ companyName, domain: `${companyName.toLowerCase().replace(/[^a-z]+/g, '')}.example` })),
    );
    const context = await newContext('en-GB', 360);
    const page = await context.newPage();
    await signIn(page, { tenantId: w.otherReseller.id, roles: 'AdminAgent' }, 'Sign in');
    await page.goto(`${portal}#/customers`);
    const cards = page.getByRole('list', { name: 'Customers' }).getByRole('listitem');
    await expect.poll(() => cards.count()).toBe(20);
    expect(await cards.first().innerText()).toContain('Adatum');
    await page.screenshot({ path: join(SHOTS, 'portal-customers-360.png') });
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => cards.count()).toBe(2);
    expect(await cards.allInnerTexts()).toEqual([expect.stringContaining('Wingtip Toys'), expect.stringContaining('Woodgrove Bank')]);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(() => cards.count()).toBe(20);
    await page.getByLabel('Search customers').fill('wi');
    await expect
      .poll(() => cards.allInnerTexts())
      .toEqual([expect.stringContaining('Wide World Importers'), expect.stringContaining('Wingtip Toys')]);
    await page.getByLabel('Search customers').fill('zz');
    await page.getByText('No customer matches “zz”.').waitFor();
    if (process.env.UPDATE_SCREENSHOTS) {
      await page.setViewportSize({ width: 1100, height: 640 });
      await page.getByLabel('Search customers').fill('');
      await expect.poll(() => cards.count()).toBe(20);
      await page.screenshot({ path: DOCS_SHOT });
    }
    await context.close();
  }, 60_000);
});
