/**
 * The deployed artifact: every function of functions/*.ts in ONE CommonJS file, dist/main.js
 * (package.json "main"), built by esbuild for Node 22. It holds its dependencies (the Azure
 * SDKs, zod), so the deployment package needs no node_modules. `@azure/functions-core` stays
 * external: the Functions worker provides it at run time (src/http/register.ts detects the
 * host by requiring it).
 *
 * The bundle also exports its own registry (`registeredFunctions`, `registeredTimers`): it has
 * its own copy of src/http/register.ts, so the local runner (`loadFunctions('dist/main.js')`),
 * the tests and the benchmark read the functions from there.
 *
 * `node scripts/build.mjs [outfile]` builds; `buildBundle()` is used by bench/ and the tests.
 */
/* global console */
import { build } from 'esbuild';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE_FILE = join(ROOT, 'dist', 'main.js');
/** The Node version the bundle targets: the Flex Consumption runtime (infra/main.bicep nodeVersion). */
export const NODE_TARGET = 'node22';

/** Every function file, sorted: what the bundle registers. */
export function functionFiles() {
  return readdirSync(join(ROOT, 'functions'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort();
}

/**
 * Builds the bundle. `minify` is whitespace and syntax only: identifiers keep their names, so
 * stack traces in Application Insights stay readable without a source map at run time.
 */
export async function buildBundle({ outfile = BUNDLE_FILE, sourcemap = true, entry = undefined } = {}) {
  const started = performance.now();
  const files = functionFiles();
  await build({
    // `entry` (bench/bundle.ts: the cold-start floor) replaces the service's functions, with the same options.
    ...(entry ? { entryPoints: [entry] } : {}),
    stdin: entry
      ? undefined
      : {
          contents: [
            ...files.map((f) => `import './functions/${f.replace(/\.ts$/, '')}';`),
            "export { registeredFunctions, registeredTimers, registeredQueueTriggers } from './src/http/register';",
          ].join('\n'),
          resolveDir: ROOT,
          sourcefile: 'main.ts',
          loader: 'ts',
        },
    bundle: true,
    platform: 'node',
    target: NODE_TARGET,
    format: 'cjs',
    outfile,
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: false,
    sourcemap: sourcemap ? 'external' : false,
    sourcesContent: false,
    legalComments: 'none',
    external: ['@azure/functions-core'],
    conditions: ['import'],
    logLevel: 'error',
  });
  return { file: outfile, bytes: statSync(outfile).size, functions: entry ? 1 : files.length, buildMs: performance.now() - started };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outfile = process.argv[2] ? resolve(process.argv[2]) : BUNDLE_FILE;
  buildBundle({ outfile }).then(
    (info) =>
      console.log(
        `Bundled ${info.functions} functions into ${relative(ROOT, info.file)} (${(info.bytes / 1024).toFixed(0)} KiB) in ${info.buildMs.toFixed(0)} ms.`,
      ),
    (err) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exitCode = 1;
    },
  );
}
