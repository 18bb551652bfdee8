/**
 * The local sign-in form in Chromium itself: the browser compiles the tenant pattern (with the
 * `v` flag) and refuses what the principal parser would refuse; a page asks for no icon in vain.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { startService, type Service } from '../support/harness';

let svc: Service;
let browser: Browser;

beforeAll(async () => {
  svc = await startService();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await svc.close();
});

describe('the local sign-in form in Chromium', () => {
  it('validates the tenant ID in the browser with the parser’s rule, and signs in with a valid one', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(`${svc.url}/.auth/login/aad?post_login_redirect_uri=/api/health`);
    const tenant = page.getByLabel('Tenant ID');
    const mismatch = () => tenant.evaluate((el) => (el as unknown as { validity: { patternMismatch: boolean } }).validity.patternMismatch);

    for (const bad of ['12345678-1234-1234-1234-123456789012', 'not-a-uuid', `${randomUUID()}x`]) {
      await tenant.fill(bad);
      expect(await mismatch(), bad).toBe(true);
    }
    // Submitting an invalid value stays on the form (the browser refuses it; nothing is posted).
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(new URL(page.url()).pathname).toBe('/.auth/login/aad');

    await tenant.fill(randomUUID());
    expect(await mismatch()).toBe(false);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/api\/health$/);
    // A pattern Chromium cannot compile is reported on the console; the icon request is no 404.
    expect(consoleErrors.filter((e) => /pattern/i.test(e))).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  });
});
