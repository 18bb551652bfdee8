/**
 * The portal's first load stays under 40 KB gzipped (docs/performance.md, "The partner portal's
 * bundle"): index.html, config.json, main.css, main.js and the chunks main.js imports statically,
 * each gzipped (-9) as a static host serves them. MSAL's chunk, loaded only for Entra ID, is not
 * part of it (test/browser/partnerPortal.test.ts checks when it is fetched).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, expect, it } from 'vitest';

const BUILD_SCRIPT = join(__dirname, '..', '..', 'scripts', 'build-portal.mjs');
const outdir = join(tmpdir(), `portal-size-${randomUUID()}`);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const FIRST_LOAD_LIMIT = 40 * 1024;

it('loads under 40 KB gzipped at first (the Overview, its chart and every screen but MSAL)', async () => {
  const { buildPortal } = (await import(BUILD_SCRIPT)) as { buildPortal: (o: { outdir: string }) => Promise<unknown> };
  await buildPortal({ outdir });
  const main = readFileSync(join(outdir, 'main.js'), 'utf8');
  // Static imports only (`from"./chunks/…"`); `import("./chunks/…")` loads on demand.
  const chunks = [...main.matchAll(/from\s*"\.\/(chunks\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const files = ['index.html', 'config.json', 'main.css', 'main.js', ...new Set(chunks)];
  const sizes = Object.fromEntries(files.map((f) => [f, gzipSync(readFileSync(join(outdir, f)), { level: 9 }).length]));
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  console.log(`[portal] first load gzipped: ${total} bytes ${JSON.stringify(sizes)}`);
  expect(sizes['main.js']).toBeGreaterThan(10_000); // the app itself is in the count
  expect(total).toBeLessThan(FIRST_LOAD_LIMIT);
}, 60_000);
