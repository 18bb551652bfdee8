/**
 * Bulk invite and Export CSV in Chromium (issue 26): the template download, choosing a file, the
 * dry run's table with each row's errors at its cells, Create invitations, Download results
 * (with the links), and Export CSV on Customers and Invitations with the filters on screen, in
 * English and in Spanish (semicolons), by keyboard, at 360 px, axe-clean.
 */
import { parse } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtPortal, expectAccessible, fillLocalSignIn, launchChromium, noHorizontalScroll, SHOTS } from '../support/browser';
import { adminOf, call, seedWorld, startService, type Service, type World } from '../support/harness';
import { seedRelationships } from '../support/seedRelationships';

let svc: Service;
let w: World;
let browser: Browser;
let portal: string;

beforeAll(async () => {
  const outdir = await builtPortal();
  svc = await startService({}, [], { portalDir: outdir });
  w = await seedWorld(svc.deps);
  await seedRelationships(svc.deps.store, w.reseller.id, [
    { companyName: 'Alpine Ski House', domain: 'alpine.example' },
    { companyName: 'Adatum', domain: 'adatum.example' },
    { companyName: 'Blue Yonder', domain: 'blueyonder.example' },
  ]);
  browser = await launchChromium();
  portal = `${svc.url}/portal/`;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await svc?.close();
});

async function signedIn(locale: 'en-GB' | 'es-ES', width = 1280): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${svc.url}/.auth/login/aad?post_login_redirect_uri=/portal/`);
  await fillLocalSignIn(page, { tenantId: w.reseller.id, roles: 'AdminAgent' });
  await page.waitForURL(portal);
  return page;
}

/** Presses a control by keyboard alone (focus, then Enter) and returns the download it starts. */
async function downloadBy(page: Page, name: string): Promise<{ download: Download; bytes: Buffer }> {
  const started = page.waitForEvent('download');
  await page.getByRole('button', { name }).focus();
  await page.keyboard.press('Enter');
  const download = await started;
  return { download, bytes: readFileSync(await download.path()) };
}

const csvRows = (bytes: Buffer, delimiter = ',') => parse<Record<string, string>>(bytes, { bom: true, delimiter, columns: true });
describe('Bulk invite', () => {
  it('template, file, dry run with errors at their cells, Create invitations, Download results with the links (English, keyboard)', async () => {
    const page = await signedIn('en-GB');
    await page.getByRole('link', { name: 'Bulk invite' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Bulk invite' }).waitFor();

    const template = await downloadBy(page, 'Download template CSV');
    expect(template.download.suggestedFilename()).toBe('invitations-template.csv');
    expect(template.bytes.toString('utf8')).toMatch(
      /^\ufeffcompanyName,email,domain,tenantId,indirectProviderId,locale,roles,duration,autoExtend\r\n/,
    );

    // Checking without a file says what to do.
    await page.getByRole('button', { name: 'Check file' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#bulk-file-error').innerText()).toBe('Choose a CSV file first.');

    const tag = randomUUID().slice(0, 6);
    const file = [
      'email,companyName,roles',
      `it@one-${tag}.example,One ${tag},`,
      `not-an-email,Two ${tag},`,
      `it@three-${tag}.example,Three ${tag},not-a-role`,
      `it@one-${tag}.example,One ${tag},`,
      `it@five-${tag}.example,"Five, ""Quoted"" ${tag}",`,
    ].join('\r\n');
    await page.getByLabel('CSV file').setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await page.getByRole('button', { name: 'Check file' }).focus();
    await page.keyboard.press('Enter');
    const table = page.getByRole('table', { name: 'Rows' });
    await table.waitFor();
    await expect
      .poll(() => page.getByRole('status').allInnerTexts(), { timeout: 15_000 })
      .toContain('Checked 5 rows: 2 ready, 2 with problems, 1 repeated.');
    const row = (n: number) => table.getByRole('row').nth(n);
    // The email error sits in the email cell, the roles error under "Other fields".
    expect(await row(2).getByRole('cell').nth(1).innerText()).toContain('must be an email address');
    expect(await row(3).getByRole('cell').nth(2).innerText()).toMatch(/^roles: /);
    expect(await row(4).getByRole('cell').nth(3).innerText()).toBe('Repeated');
    expect(await row(5).getByRole('cell').nth(0).innerText()).toBe(`Five, "Quoted" ${tag}`);
    await expectAccessible(page, 'bulk dry run');
    expect((await call(svc, 'GET', '/api/invitations?pageSize=500', { as: adminOf(w.reseller) })).body.items).toHaveLength(0);

    await page.getByRole('button', { name: 'Create invitations' }).focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByRole('status').allInnerTexts(), { timeout: 15_000 })
      .toContain('Created 2 invitations (0 sent by email); 2 rows with problems, 1 repeated.');
    await page.screenshot({ path: join(SHOTS, 'portal-bulk-results.png'), fullPage: true });
    await expectAccessible(page, 'bulk results');

    const results = await downloadBy(page, 'Download results');
    expect(results.download.suggestedFilename()).toMatch(/^invitations-results-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = csvRows(results.bytes);
    expect(rows.map((r) => r.status)).toEqual(['created', 'failed', 'failed', 'duplicate', 'created']);
    expect(rows[0]!.url).toMatch(/\/api\/accept\/[A-Za-z0-9_-]+$/);
    expect(rows[4]).toMatchObject({ companyName: `Five, "Quoted" ${tag}`, email: `it@five-${tag}.example` });
    // The download replayed the batch under its key: still two invitations.
    const stored = (await call(svc, 'GET', '/api/invitations?pageSize=500', { as: adminOf(w.reseller) })).body.items;
    expect(stored).toHaveLength(2);
    expect(stored.map((i: { url: string }) => i.url).sort()).toEqual([rows[0]!.url, rows[4]!.url].sort());
    await page.context().close();
  }, 120_000);

  it('Spanish at 360 px: a file that is not UTF-8 is refused as the service says; no horizontal scroll; axe-clean', async () => {
    const page = await signedIn('es-ES', 360);
    await page.goto(`${portal}#/bulk`);
    await page.getByRole('heading', { level: 1, name: 'Invitación masiva' }).waitFor();
    const template = await downloadBy(page, 'Descargar plantilla CSV');
    expect(template.bytes.toString('utf8')).toMatch(/^\ufeffcompanyName;email;domain;/);
    await page.getByLabel('Archivo CSV').setInputFiles({
      name: 'clientes.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('companyName;email\r\nNúñez;a@b.example\r\n', 'latin1'),
    });
    await page.getByRole('button', { name: 'Comprobar archivo' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/UTF-8/);
    await page.getByLabel('Archivo CSV').setInputFiles({
      name: 'clientes.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('\ufeffcompanyName;email\r\nNúñez y Compañía;correo-malo\r\n'),
    });
    await page.getByRole('button', { name: 'Comprobar archivo' }).click();
    await page.getByRole('table', { name: 'Filas' }).waitFor();
    // One row: singular words (the verb too).
    expect(await page.getByRole('status').innerText()).toContain('Se comprobó 1 fila: 0 listas, 1 con problemas, 0 repetidas.');
    // The row's message in Spanish too (the portal sends its language as Accept-Language).
    expect(await page.getByRole('table', { name: 'Filas' }).innerText()).toContain('debe ser una dirección de correo electrónico');
    expect(await noHorizontalScroll(page)).toBe(true);
    await expectAccessible(page, 'invitación masiva (360 px)');
    await page.screenshot({ path: join(SHOTS, 'portal-bulk-360-es.png'), fullPage: true });
    await page.context().close();
  }, 120_000);
});

describe('Export CSV', () => {
  it('Customers: the search on screen applies (English, commas)', async () => {
    const page = await signedIn('en-GB');
    await page.goto(`${portal}#/customers`);
    await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
    await page.getByLabel('Search customers').fill('a');
    await expect.poll(() => page.getByRole('list', { name: 'Customers' }).getByRole('listitem').count()).toBe(2);
    const { download, bytes } = await downloadBy(page, 'Export CSV');
    expect(download.suggestedFilename()).toMatch(/^customers-\d{4}-\d{2}-\d{2}\.csv$/);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csvRows(bytes).map((r) => r.companyName)).toEqual(['Adatum', 'Alpine Ski House']);
    await expectAccessible(page, 'customers with export');
    await page.context().close();
  }, 60_000);

  it('Invitations in Spanish: semicolons, with the status filter on screen', async () => {
    await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: { customer: { companyName: 'Pendiente; S.L.', email: 'it@pendiente.example' } },
    });
    const page = await signedIn('es-ES', 360);
    await page.goto(`${portal}#/invitations?status=pending`);
    await page.getByRole('heading', { level: 1, name: 'Invitaciones' }).waitFor();
    const { bytes } = await downloadBy(page, 'Exportar CSV');
    const text = bytes.toString('utf8');
    expect(text.slice(1, text.indexOf('\r\n'))).toBe('id;companyName;email;kind;status;createdAt;expiresAt;acceptedAt;emailStatus');
    const rows = csvRows(bytes, ';');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === 'pending')).toBe(true);
    expect(rows.map((r) => r.companyName)).toContain('Pendiente; S.L.');
    expect(await noHorizontalScroll(page)).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'portal-invitations-export-360-es.png'), fullPage: true });
    await page.context().close();
  }, 60_000);
});
