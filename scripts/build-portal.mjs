// Builds the partner portal (portal/) into static files: index.html, config.json (local sign-in;
// scripts/portal-config.mjs writes the deployed one), staticwebapp.config.json, main.js,
// main.css and the lazily loaded chunks (MSAL only when config.json asks for Entra ID).
//   node scripts/build-portal.mjs [outdir]     (default dist/portal)
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds into `outdir`; returns esbuild's metafile (for the size report). */
export async function buildPortal({ outdir = join(root, 'dist', 'portal'), minify = true } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: 'portal/src/main.tsx' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify,
    sourcemap: true,
    metafile: true,
    legalComments: 'none',
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  });
  copyFileSync(join(root, 'portal', 'index.html'), join(outdir, 'index.html'));
  copyFileSync(join(root, 'portal', 'config.json'), join(outdir, 'config.json'));
  // Azure Static Web Apps reads its headers (the CSP) from this file; the local runner sets its own.
  copyFileSync(join(root, 'portal', 'staticwebapp.config.json'), join(outdir, 'staticwebapp.config.json'));
  return result.metafile;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = process.argv[2] ? resolve(process.argv[2]) : undefined;
  await buildPortal({ outdir });
}
