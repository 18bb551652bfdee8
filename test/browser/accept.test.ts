/**
 * The whole customer flow in a real browser: open the emailed link, sign in through the local
 * sign-in form, accept, see the confirmation; then the partner's list shows the customer.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { adminOf, call, seedWorld, startService, type Service, type World } from '../support/harness';

let svc: Service;
let w: World;
let browser: Browser;

beforeAll(async () => {
  svc = await startService();
  w = await seedWorld(svc.deps);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await svc.close();
});

async function invite(locale: 'en' | 'es', indirectProviderId?: string) {
  const r = await call(svc, 'POST', '/api/invitations', {
    as: adminOf(w.reseller),
    body: {
      customer: { companyName: 'Contoso <b>Bold</b>', email: 'it@contoso.example', domain: 'contoso.example' },
      locale,
      ...(indirectProviderId ? { indirectProviderId } : {}),
    },
  });
  expect(r.status).toBe(201);
  return r.body as { id: string; url: string };
}

describe('accepting in a browser', () => {
  it('opens the link, signs in, accepts, sees the confirmation; the partner then lists the customer', async () => {
    const inv = await invite('en', w.provider.id);
    const tenant = randomUUID();
    const page = await browser.newPage();
    const response = await page.goto(inv.url);
    expect(response?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toContain('invite Contoso <b>Bold</b>');
    expect(await page.locator('form').count()).toBe(0);
    await page.getByRole('link', { name: 'Sign in' }).click();

    await page.getByLabel('Tenant ID').fill(tenant);
    await page.getByLabel('User name').fill('ga@contoso.example');
    await page.getByLabel('Roles (comma-separated)').fill('GlobalAdmin');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.waitForURL(inv.url);
    expect(await page.locator('body').innerText()).toContain('Signed in as ga@contoso.example');
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.waitForLoadState();
    expect(await page.locator('h1').innerText()).toBe('This invitation has been accepted');
    expect(await page.locator('body').innerText()).toContain('Northwind Distribución');
    await page.screenshot({ path: 'test-results/accept-confirmation.png' });

    const list = await call(svc, 'GET', '/api/relationships', { as: adminOf(w.reseller) });
    expect(list.body.items.map((i: any) => i.customerId)).toContain(tenant);
    const provider = await call(svc, 'GET', '/api/relationships', { as: adminOf(w.provider) });
    expect(provider.body.items.map((i: any) => i.customerId)).toContain(tenant);

    // Opening the link again shows that it was accepted, without a form.
    await page.goto(inv.url);
    expect(await page.locator('form').count()).toBe(0);
    expect(await page.locator('h1').innerText()).toBe('This invitation has been accepted');
    await page.close();
  });

  it('declines in Spanish; the link is then no longer valid', async () => {
    const inv = await invite('es');
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(inv.url);
    await page.getByRole('link', { name: 'Iniciar sesión' }).click();
    await page.getByLabel('Tenant ID').fill(randomUUID());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(inv.url);
    await page.getByRole('button', { name: 'Rechazar' }).click();
    await page.waitForLoadState();
    expect(await page.locator('h1').innerText()).toBe('Has rechazado la invitación');
    const again = await page.goto(inv.url);
    expect(again?.status()).toBe(410);
    expect(await page.locator('h1').innerText()).toBe('Este enlace ya no es válido');
    await context.close();
  });

  it('a signed-in user without GlobalAdmin sees the role needed and no buttons, and can switch accounts', async () => {
    const inv = await invite('en');
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${svc.url}/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(new URL(inv.url).pathname)}`);
    await page.getByLabel('Tenant ID').fill(randomUUID());
    await page.getByLabel('Roles (comma-separated)').fill('User');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(inv.url);
    expect(await page.getByRole('button', { name: 'Accept' }).count()).toBe(0);
    expect(await page.locator('[role=alert]').innerText()).toContain('Global Administrator role');
    await page.getByRole('link', { name: 'Sign out and use another account' }).click();
    await page.waitForURL(/\/\.auth\/login\/aad/);
    await page.getByLabel('Tenant ID').fill(randomUUID());
    await page.getByLabel('Roles (comma-separated)').fill('GlobalAdmin');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(inv.url);
    expect(await page.getByRole('button', { name: 'Accept' }).count()).toBe(1);
    expect((await call(svc, 'GET', `/api/invitations/${inv.id}`, { as: adminOf(w.reseller) })).body.status).toBe('pending');
    await context.close();
  });

  it('a page on another site cannot accept through the user’s session', async () => {
    const inv = await invite('en');
    const context = await browser.newContext();
    const page = await context.newPage();
    const tenant = randomUUID();
    await page.goto(`${svc.url}/.auth/login/aad?post_login_redirect_uri=/api/health`);
    await page.getByLabel('Tenant ID').fill(tenant);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/api\/health$/);
    // A hostile page served from another origin auto-submits a form to the link.
    const { createServer } = await import('node:http');
    const evil = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<form id="f" method="post" action="${inv.url}"><input name="decision" value="accept"></form><script>document.getElementById('f').submit()</script>`,
      );
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
    const port = (evil.address() as { port: number }).port;
    const nav = page.waitForURL(inv.url);
    await page.goto(`http://127.0.0.1:${port}/`);
    await nav;
    await page.waitForLoadState();
    expect(await page.locator('[role=alert]').innerText()).toContain('did not come from the invitation page');
    expect((await call(svc, 'GET', `/api/invitations/${inv.id}`, { as: adminOf(w.reseller) })).body.status).toBe('pending');
    evil.close();
    await context.close();
  });
});
