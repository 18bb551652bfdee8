/**
 * The portal's Overview in Chromium against the service on Azurite: the first screen after
 * sign-in, its numbers the API's, the chart's data table and text alternative, the customers whose
 * access ends soon linked to their records; English and Spanish, 360 px, keyboard only, axe-clean.
 * `UPDATE_SCREENSHOTS=1` also writes the README's screenshot (docs/overview.png).
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtPortal, expectAccessible, fillLocalSignIn, launchChromium, SHOTS } from '../support/browser';
import { adminOf, call, customerAdmin, seedWorld, startService, type Service, type World } from '../support/harness';
import { seedRelationships } from '../support/seedRelationships';

const DOCS_SHOT = join(__dirname, '..', '..', 'docs', 'overview.png');

let svc: Service;
let w: World;
let browser: Browser;
let portal: string;
let soon: { customerId: string; companyName: string };

beforeAll(async () => {
  const outdir = await builtPortal();
  svc = await startService({}, [], { portalDir: outdir });
  w = await seedWorld(svc.deps);
  const as = adminOf(w.reseller);
  await seedRelationships(
    svc.deps.store,
    w.reseller.id,
    ['Adatum', 'Contoso', 'Fourth Coffee', 'Litware', 'Wingtip Toys'].map((companyName) => ({ companyName })),
  );
  // Invitations: some pending, two accepted (one for 20 days: its access ends soon), one declined.
  const invite = async (companyName: string, access?: object) => {
    const r = await call(svc, 'POST', '/api/invitations', {
      as,
      body: {
        customer: { companyName, email: `it@${companyName.toLowerCase().replace(/\W/g, '')}.example` },
        ...(access ? { access } : {}),
      },
    });
    expect(r.status, r.text).toBe(201);
    return r.body as { url: string };
  };
  for (const name of ['Proseware', 'Tailspin Toys', 'Northwind Traders']) await invite(name);
  const ga = customerAdmin();
  expect(
    (await call(svc, 'POST', new URL((await invite('Alpine Ski House', { duration: 'P20D' })).url).pathname, { as: ga, body: {} })).status,
  ).toBe(200);
  soon = { customerId: ga.tenantId, companyName: 'Alpine Ski House' };
  expect(
    (await call(svc, 'POST', new URL((await invite('Fabrikam Gardens')).url).pathname, { as: customerAdmin(), body: {} })).status,
  ).toBe(200);
  const declined = await invite('Woodgrove Bank');
  expect((await call(svc, 'POST', new URL(declined.url).pathname, { as: customerAdmin(), body: { decision: 'decline' } })).status).toBe(
    200,
  );
  browser = await launchChromium();
  portal = `${svc.url}/portal/`;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await svc?.close();
});

async function signIn(page: Page, signInName: string) {
  await page.goto(portal);
  await page.getByRole('link', { name: signInName }).click();
  await fillLocalSignIn(page, { tenantId: w.reseller.id, roles: 'AdminAgent' });
  await page.waitForURL(portal);
}

const tile = (page: Page, id: string) => page.locator(`#${id}`).innerText();

describe.each([
  { locale: 'en-GB', lang: 'en', signIn: 'Sign in', title: 'Overview', customers: 'Customers', table: 'The last 12 weeks' },
  { locale: 'es-ES', lang: 'es', signIn: 'Iniciar sesión', title: 'Resumen', customers: 'Clientes', table: 'Las últimas 12 semanas' },
] as const)('the Overview ($lang)', (n) => {
  it('is the first screen after sign-in and shows the API’s numbers, the weeks as a chart and a table, and whose access ends soon', async () => {
    const context = await browser.newContext({ locale: n.locale, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, n.signIn);
    await page.getByRole('heading', { level: 1, name: n.title }).waitFor();
    const api = (await call(svc, 'GET', '/api/insights', { as: adminOf(w.reseller) })).body;
    const num = new Intl.NumberFormat(n.lang);
    expect(await tile(page, 'tile-active')).toBe(num.format(api.relationships.active));
    expect(api.relationships.active).toBe(7);
    expect(await tile(page, 'tile-pending')).toBe(num.format(api.invitations.pending));
    expect(api.invitations.pending).toBe(3);
    expect(await tile(page, 'tile-rate')).toBe(
      new Intl.NumberFormat(n.lang, { style: 'percent', maximumFractionDigits: 1 }).format(api.acceptance.rate),
    );
    expect(await tile(page, 'tile-ending')).toBe(num.format(api.delegatedAdmin.endingWithin['30']));
    expect(api.delegatedAdmin.endingWithin['30']).toBe(1);

    // The table: one row per week, the numbers of the API's weeks.
    const table = page.getByRole('table', { name: n.table });
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(12);
    for (const [i, week] of (api.weeks as { week: string; invited: number; accepted: number; removed: number }[]).entries()) {
      expect(await rows.nth(i).getAttribute('data-week')).toBe(week.week);
      expect(await rows.nth(i).locator('td').allInnerTexts()).toEqual(
        [week.invited, week.accepted, week.removed].map((v) => num.format(v)),
      );
    }
    // The chart is an image whose name is its title and whose description is the summary, in words.
    const chart = page.getByRole('img', { name: n.table });
    expect(await chart.count()).toBe(1);
    const summary = await page.locator('#chart-summary').innerText();
    expect(summary).toContain(num.format(api.weeks.reduce((a: number, x: { invited: number }) => a + x.invited, 0)));
    expect(await page.locator('svg.bars rect').count()).toBe(36);
    await expectAccessible(page, `overview (${n.lang})`);

    // 360 px: no horizontal scroll.
    await page.setViewportSize({ width: 360, height: 900 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await page.screenshot({ path: join(SHOTS, `overview-${n.lang}-360.png`), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    if (n.lang === 'en') {
      await page.screenshot({ path: join(SHOTS, 'overview-en.png'), fullPage: true });
      if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: DOCS_SHOT, fullPage: true });
    }

    // Access ending soon: by keyboard alone, to the customer's record.
    const link = page.getByRole('link', { name: soon.companyName });
    expect(await link.count()).toBe(1);
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await link.evaluate((e) => e === e.ownerDocument.activeElement);
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${portal}#/customers/${soon.customerId}`);
    await page.getByRole('heading', { level: 1, name: soon.companyName }).waitFor();
    // Back to the Overview through the navigation.
    await page.getByRole('link', { name: n.title }).click();
    await page.getByRole('heading', { level: 1, name: n.title }).waitFor();
    await context.close();
  }, 90_000);
});
