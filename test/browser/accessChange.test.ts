/**
 * Change access in Chromium: on a customer's record the partner sees when access ends (and that it
 * ends soon), asks for other roles with **Change access**, copies the request's link; the
 * customer's global admin opens it in its own browser, unticks one added role and approves the
 * rest; the partner sees the new roles, then gives one up with **Remove roles**. Keyboard only,
 * 360 px without horizontal scroll, axe-clean, in English and Spanish.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECTORY_READERS, GLOBAL_READER } from '../../src/domain/roles';
import { builtPortal, expectAccessible, launchChromium, noHorizontalScroll, SHOTS } from '../support/browser';
import { adminOf, call, customerAdmin, seedWorld, startService, type Service, type World } from '../support/harness';

const HELPDESK = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const EXCHANGE = '29232cdf-9323-42fd-ade2-1d097af3e4de';

let svc: Service;
let w: World;
let browser: Browser;
let portal: string;

beforeAll(async () => {
  const outdir = await builtPortal();
  svc = await startService({}, [], { portalDir: outdir });
  w = await seedWorld(svc.deps);
  browser = await launchChromium();
  portal = `${svc.url}/portal/`;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await svc?.close();
});

/** A customer that accepted the reseller's invitation for the two readers, for 10 days. */
async function acceptedCustomer(): Promise<string> {
  const ga = customerAdmin();
  const inv = await call(svc, 'POST', '/api/invitations', {
    as: adminOf(w.reseller),
    body: {
      customer: { companyName: 'Contoso', email: 'it@contoso.example', tenantId: ga.tenantId },
      access: { roles: [GLOBAL_READER, DIRECTORY_READERS], duration: 'P10D' },
    },
  });
  expect((await call(svc, 'POST', new URL(inv.body.url).pathname, { as: ga, body: { decision: 'accept' } })).status).toBe(200);
  return ga.tenantId;
}

/** Signs a new browser context in through the local sign-in form (keyboard only) and opens `url`. */
async function signedIn(url: string, who: { tenantId: string; roles: string }, locale: 'en-GB' | 'es-ES', width = 360): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: svc.url });
  const page = await context.newPage();
  await page.goto(`${svc.url}/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(new URL(url).pathname)}`);
  await page.getByLabel('Tenant ID').fill(who.tenantId);
  await page.getByLabel('User name').fill('someone@example.com');
  await page.getByLabel('Roles (comma-separated)').fill(who.roles);
  await page.getByLabel('Roles (comma-separated)').press('Enter');
  await page.waitForURL((u) => u.pathname === new URL(url).pathname);
  if (url !== page.url()) await page.goto(url);
  return page;
}

describe('Change access, approved in part, then Remove roles', () => {
  it(
    'partner asks, the customer approves a subset, the partner sees the new roles and reduces them (English, 360 px, keyboard)',
    { timeout: 120_000 },
    async () => {
      const customerId = await acceptedCustomer();
      const page = await signedIn(`${portal}#/customers/${customerId}`, { tenantId: w.reseller.id, roles: 'AdminAgent' }, 'en-GB');
      await page.getByRole('heading', { level: 1, name: 'Contoso' }).waitFor();
      // Ten days left, no auto-extension: the record says access ends soon.
      await expect.poll(() => page.getByText(/Delegated admin ends in (9|10) days/).count()).toBe(1);
      await expectAccessible(page, 'customer record with access');

      // Change access, by keyboard: tick Helpdesk and Exchange, 90 days, ask.
      await page.getByRole('button', { name: 'Change access' }).focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Change access' });
      await dialog.waitFor();
      expect(await dialog.getByRole('checkbox', { name: 'Global Reader' }).isChecked()).toBe(true);
      expect(await dialog.getByRole('checkbox', { name: 'Directory Readers' }).isChecked()).toBe(true);
      for (const name of [/^Helpdesk Administrator/, /^Exchange Administrator/]) {
        await dialog.getByRole('checkbox', { name }).focus();
        await page.keyboard.press('Space');
      }
      await dialog.getByLabel('Duration (days)').fill('90');
      await expectAccessible(page, 'Change access dialog');
      expect(await noHorizontalScroll(page)).toBe(true);
      await page.screenshot({ path: join(SHOTS, 'portal-change-access-360.png'), fullPage: true });
      await dialog.getByRole('button', { name: 'Ask the customer' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Access request: waiting for the customer' }).waitFor();
      const link = (await page.locator('.access code').innerText()).trim();
      expect(link).toMatch(new RegExp(`^${svc.url}/api/customer/requests/[A-Za-z0-9_-]{107}$`));
      expect(await page.getByRole('link', { name: 'Open in email' }).getAttribute('href')).toMatch(
        /^mailto:it%40contoso\.example\?subject=/,
      );
      await page.getByRole('button', { name: 'Copy to clipboard' }).click();
      expect(await page.evaluate('navigator.clipboard.readText()')).toContain(link);
      await expectAccessible(page, 'pending access request');
      expect(await noHorizontalScroll(page)).toBe(true);
      await page.screenshot({ path: join(SHOTS, 'portal-access-request-360.png'), fullPage: true });

      // The customer's global admin: untick Exchange, approve the rest.
      const customer = await signedIn(link, { tenantId: customerId, roles: 'GlobalAdmin' }, 'en-GB');
      await customer.getByRole('heading', { level: 1 }).waitFor();
      await expectAccessible(customer, 'access request page');
      expect(await noHorizontalScroll(customer)).toBe(true);
      await customer.screenshot({ path: join(SHOTS, 'access-request-page-360.png'), fullPage: true });
      const exchange = customer.getByRole('checkbox', { name: /^Exchange Administrator/ });
      expect(await exchange.isChecked()).toBe(true);
      await exchange.focus();
      await customer.keyboard.press('Space');
      await customer.getByRole('button', { name: 'Approve' }).focus();
      await customer.keyboard.press('Enter');
      // The answer's h1 is a live status (role=status), as on the accept page.
      await customer.getByRole('status').filter({ hasText: 'You approved the request' }).waitFor();
      expect(await customer.locator('main').innerText()).toContain('Helpdesk Administrator');
      expect(await customer.locator('main').innerText()).not.toContain('Exchange Administrator');
      await customer.context().close();

      // The partner sees the new roles (and no more "ends soon": 90 days from now).
      await page.reload();
      await page.getByRole('heading', { name: 'Access request: approved' }).waitFor();
      const roles = page.locator('dd ul.plain li');
      await expect.poll(() => roles.allInnerTexts()).toEqual(['Global Reader', 'Directory Readers', 'Helpdesk Administrator']);
      expect(await page.getByText(/Delegated admin ends in/).count()).toBe(0);
      const rel = (await call(svc, 'GET', `/api/relationships/${customerId}`, { as: adminOf(w.reseller) })).body;
      expect(rel.delegatedAdmin.roles).toEqual([GLOBAL_READER, DIRECTORY_READERS, HELPDESK]);
      expect(rel.delegatedAdmin.roles).not.toContain(EXCHANGE);

      // Remove roles: give Helpdesk Administrator up, no consent needed.
      await page.getByRole('button', { name: 'Remove roles' }).click();
      const reduce = page.getByRole('dialog', { name: 'Remove roles' });
      await reduce.getByRole('checkbox', { name: 'Helpdesk Administrator' }).uncheck();
      await expectAccessible(page, 'Remove roles dialog');
      await reduce.getByRole('button', { name: 'Remove roles' }).click();
      await page.getByText('Roles removed. The customer did not need to approve.').waitFor();
      await expect.poll(() => roles.allInnerTexts()).toEqual(['Global Reader', 'Directory Readers']);
      const reduced = (await call(svc, 'GET', `/api/relationships/${customerId}`, { as: adminOf(w.reseller) })).body;
      expect(reduced.delegatedAdmin.roles).toEqual([GLOBAL_READER, DIRECTORY_READERS]);
      await expectAccessible(page, 'record after Remove roles');
      await page.screenshot({ path: join(SHOTS, 'portal-access-reduced-360.png'), fullPage: true });
      await page.context().close();
    },
  );

  it('in Spanish: Cambiar acceso, the request status, Revocar; the revoked link answers 410', { timeout: 120_000 }, async () => {
    const customerId = await acceptedCustomer();
    const page = await signedIn(`${portal}#/customers/${customerId}`, { tenantId: w.reseller.id, roles: 'AdminAgent' }, 'es-ES');
    await page.getByRole('heading', { level: 1, name: 'Contoso' }).waitFor();
    expect(await page.getByRole('button', { name: 'Quitar roles' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Cambiar acceso' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cambiar acceso' });
    await dialog.getByRole('checkbox', { name: /^Administrador del departamento de soporte técnico/ }).check();
    await expectAccessible(page, 'Cambiar acceso');
    await dialog.getByRole('button', { name: 'Pedir al cliente' }).click();
    await page.getByRole('heading', { name: 'Solicitud de acceso: esperando al cliente' }).waitFor();
    const link = (await page.locator('.access code').innerText()).trim();
    await page.getByRole('button', { name: 'Revocar' }).click();
    await page.getByRole('heading', { name: 'Solicitud de acceso: revocada' }).waitFor();
    expect(await noHorizontalScroll(page)).toBe(true);
    await expectAccessible(page, 'solicitud revocada');
    expect((await fetch(link)).status).toBe(410);
    await page.context().close();
  });
});
