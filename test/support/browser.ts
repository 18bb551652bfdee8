/**
 * Debian's Chromium (or CHROMIUM_PATH) driven by playwright-core (never a downloaded browser), and
 * what every browser test checks or does: axe, the width, the portal's build, the local sign-in.
 */
import AxeBuilder from '@axe-core/playwright';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { chromiumPath, chromiumProblem } from './chromium';

/** Where browser tests write their screenshots (looked at, never compared). */
export const SHOTS = join(__dirname, '..', '..', 'test-results');

/** Chromium, with the screenshots' folder ready. */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  const problem = chromiumProblem();
  if (problem) throw new Error(problem);
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** No serious or critical axe-core violation on the page as it is now (and axe did run its rules). */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const { violations, passes } = await new AxeBuilder({ page }).analyze();
  expect(passes.length, `${screen}: axe ran its rules`).toBeGreaterThan(10);
  const bad = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad).toEqual([]);
}

/** The page fits its viewport's width (no horizontal scroll). */
export const noHorizontalScroll = (page: Page): Promise<boolean> =>
  page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

/** The portal built into a folder of its own (scripts/build-portal.mjs), for a service to serve. */
export async function builtPortal(): Promise<string> {
  const outdir = join(tmpdir(), `portal-${randomUUID()}`);
  const script = join(__dirname, '..', '..', 'scripts', 'build-portal.mjs');
  const { buildPortal } = (await import(script)) as { buildPortal: (o: { outdir: string }) => Promise<unknown> };
  await buildPortal({ outdir });
  return outdir;
}

/** Fills and sends the local sign-in form (the runner's stand-in for Entra ID). */
export async function fillLocalSignIn(page: Page, who: { tenantId: string; roles: string; name?: string }): Promise<void> {
  await page.getByLabel('Tenant ID').fill(who.tenantId);
  await page.getByLabel('User name').fill(who.name ?? 'ana@fabrikam.example');
  await page.getByLabel('Roles (comma-separated)').fill(who.roles);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
