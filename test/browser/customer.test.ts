/**
 * The customer's page in a real browser: sign in through the local form, see the partners with
 * their delegated admin roles, remove one partner's roles; the partner then sees them revoked.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
const HELPDESK = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
import { launchChromium } from '../support/browser';
import { adminOf, call, customerAdmin, seedWorld, startService, type Service, type World } from '../support/harness';

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

describe("the customer's page in a browser", () => {
  it('signs in, lists the partners and their roles, removes one partner’s roles', async () => {
    const ga = customerAdmin(randomUUID());
    const inv = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: {
        customer: { companyName: 'Contoso', email: 'it@contoso.example' },
        indirectProviderId: w.provider.id,
        access: { roles: [HELPDESK], duration: 'P90D' },
      },
    });
    expect(inv.status).toBe(201);
    expect((await call(svc, 'POST', new URL(inv.body.url as string).pathname, { as: ga, body: {} })).status).toBe(200);

    const context = await browser.newContext({ locale: 'es-ES' });
    const page = await context.newPage();
    await page.goto(`${svc.url}/api/customer`);
    await page.getByRole('link', { name: 'Iniciar sesión' }).click();
    await page.getByLabel('Tenant ID').fill(ga.tenantId);
    await page.getByLabel('User name').fill('ga@contoso.example');
    await page.getByLabel('Roles (comma-separated)').fill('GlobalAdmin');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${svc.url}/api/customer`);

    expect(await page.locator('h1').innerText()).toBe('Relaciones con partners');
    const table = await page.locator('table').innerText();
    expect(table).toContain('Fabrikam & Co <Resellers>');
    expect(table).toContain('Northwind Distribución');
    expect(table).toContain('Administrador del departamento de soporte técnico');
    expect(await page.getByRole('button', { name: 'Quitar roles' }).count()).toBe(2);

    await page
      .getByRole('row', { name: /Fabrikam/ })
      .getByRole('button', { name: 'Quitar roles' })
      .click();
    await page.waitForLoadState();
    expect(await page.locator('[role=status]').innerText()).toContain('Has quitado los roles de administrador delegado de Fabrikam');
    expect(await page.getByRole('button', { name: 'Quitar roles' }).count()).toBe(1);
    expect(await page.locator('table').innerText()).toContain('Quitados');
    await page.screenshot({ path: 'test-results/customer-page.png' });

    const partner = await call(svc, 'GET', `/api/relationships/${ga.tenantId}`, { as: adminOf(w.reseller) });
    expect(partner.body).toMatchObject({ status: 'active', delegatedAdmin: { status: 'revoked', revokedBy: { party: 'customer' } } });
    expect((await call(svc, 'GET', `/api/relationships/${ga.tenantId}`, { as: adminOf(w.provider) })).body.delegatedAdmin.status).toBe(
      'granted',
    );
    await context.close();
  });
});
