/**
 * Bundles every function file into ONE CommonJS file with esbuild (the benchmark compares its
 * import time with the unbundled dist/functions/*.js). `npm run bundle` writes
 * dist/bundle/functions.js. The deployment is NOT changed by this: see docs/performance.md.
 *
 * `@azure/functions-core` stays external: the Functions host provides it at run time.
 */
import { build } from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const BUNDLE_FILE = join(ROOT, 'dist', 'bundle', 'functions.js');

export interface BundleInfo {
  file: string;
  bytes: number;
  functions: number;
  buildMs: number;
}

export async function buildBundle(outfile = BUNDLE_FILE, minify = true): Promise<BundleInfo> {
  const started = performance.now();
  const functionsDir = join(ROOT, 'functions');
  const files = readdirSync(functionsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort();
  await build({
    stdin: {
      // The registry is exported too, so that the start-up benchmark can call a function of the bundle.
      contents: [
        ...files.map((f) => `import './functions/${f.replace(/\.ts$/, '')}';`),
        "export { registeredFunctions } from './src/http/register';",
      ].join('\n'),
      resolveDir: ROOT,
      sourcefile: 'functions-bundle-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    minify,
    sourcemap: false,
    legalComments: 'none',
    external: ['@azure/functions-core'],
    logLevel: 'error',
  });
  return { file: outfile, bytes: statSync(outfile).size, functions: files.length, buildMs: performance.now() - started };
}

if (require.main === module) {
  buildBundle().then(
    (info) =>
      console.log(
        `Bundled ${info.functions} functions into ${relative(ROOT, info.file)} (${(info.bytes / 1024).toFixed(0)} KiB) in ${info.buildMs.toFixed(0)} ms.`,
      ),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exitCode = 1;
    },
  );
}
