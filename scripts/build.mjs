/**
 * The deployed artifact: every function of functions/*.ts in one CommonJS file, dist/main.js
 * (package.json "main"), built by esbuild for Node 22, and beside it the parts that the first
 * request of a typical function does not need, each in its own file under dist/lazy/ (LAZY
 * below), loaded on demand. They hold their dependencies (the Azure SDKs, zod), so the
 * deployment package needs no node_modules. `@azure/functions-core` stays external: the
 * Functions worker provides it at run time (src/http/register.ts detects the host by requiring it).
 *
 * The bundle also exports its own registry (`registeredFunctions`, `registeredTimers`): it has
 * its own copy of src/http/register.ts, so the local runner (`loadFunctions('dist/main.js')`),
 * the tests and the benchmark read the functions from there.
 *
 * `node scripts/build.mjs [outfile] [--parts]` builds (`--parts`: the main bundle's size by
 * package, from esbuild's metafile); `buildBundle()` is used by bench/ and the tests.
 */
/* global console */
import { build } from 'esbuild';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE_FILE = join(ROOT, 'dist', 'main.js');
/** The Node version the bundle targets: the Flex Consumption runtime (infra/main.bicep nodeVersion). */
export const NODE_TARGET = 'node22';
/** The folder of the lazy parts, beside the main bundle. */
export const LAZY_DIR = 'lazy';
/** Where `buildBundle` writes the main bundle's esbuild metafile: `dist/main.meta.json`. */
export const metafileOf = (outfile) => outfile.replace(/\.js$/, '.meta.json');

/**
 * The lazy parts. The sources import these modules only where they are needed, with `import()`
 * or a `require` inside a function (never at the top of a module); in the main bundle each such
 * import becomes a `require('./lazy/<name>.js')` of a file built here from the same module.
 * test/unit/package.test.ts checks that importing the bundle loads none of them.
 */
export const LAZY = [
  // The managed-identity credential (MSAL, a third of the old bundle): only when an endpoint setting asks for it (src/identity.ts).
  { name: 'identity', module: '@azure/identity' },
  // The queue client: at the first change, which announces its events (src/queue/storageQueue.ts).
  { name: 'queue', module: '@azure/storage-queue' },
  // Email: at the first send (src/email/acsMailer.ts).
  { name: 'email', module: '@azure/communication-email' },
  // The OpenAPI document, generated here at build time (functions/openapi.ts): no zod-to-JSON-Schema at run time.
  { name: 'openapi', source: 'src/api/openapi.ts' },
  // The XML parser and writer (a seventh of the old bundle): @azure/data-tables imports them at its top for
  // the access-policy calls, which the service never makes. The bundle gets a stand-in (`forward`) whose
  // functions load the file on their first call.
  { name: 'xml', module: '@azure/core-xml', forward: true },
  // The HTML parser (parse5, a quarter of the bundle), imported at the top of src/domain/emailLinks.ts: only a
  // send of an edited HTML body reads HTML.
  { name: 'html', module: 'parse5', forward: true },
  // CSV: read only by a bulk invitation's CSV upload, written only by an export or a batch's CSV answer.
  { name: 'csv-parse', module: 'csv-parse/sync', forward: true },
  { name: 'csv-stringify', module: 'csv-stringify', forward: true },
];

/** Every function file, sorted: what the bundle registers. */
export function functionFiles() {
  return readdirSync(join(ROOT, 'functions'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort();
}

/**
 * The options every bundle shares. `minify` is whitespace and syntax only: identifiers keep
 * their names, so stack traces in Application Insights stay readable without a source map at run time.
 */
const common = (outfile, sourcemap) => ({
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
  plugins: [zodLocaleEsm],
});

/**
 * src/zod.ts imports zod's English messages as CommonJS (`zod/v4/locales/en.cjs`: tsc and Node
 * need that); the bundles take the ES module build of the same file instead, the build the rest
 * of zod in them comes from, so that zod's internals are not bundled twice.
 */
const zodLocaleEsm = {
  name: 'zod-locale-esm',
  setup(b) {
    b.onResolve({ filter: /^zod\/v4\/locales\/[\w-]+\.cjs$/ }, (args) =>
      b.resolve(args.path.replace(/\.cjs$/, '.js'), { kind: args.kind, resolveDir: args.resolveDir }),
    );
  },
};

const lazyFile = (name) => `./${LAZY_DIR}/${name}.js`;

/**
 * A stand-in for a module imported at the top of other code, which must not load it until it is
 * used: its functions forward to the lazy file, loading it on their first call (with `new` too);
 * its objects are getters that load it on first access; its strings and numbers are copied.
 * (An `instanceof` against one of its classes would not hold: none of the users does that.)
 */
async function forwardingModule(part) {
  const real = await import(part.module);
  const lines = [`const load = () => require(${JSON.stringify(lazyFile(part.name))});`];
  for (const [name, value] of Object.entries(real)) {
    if (name === 'default') continue;
    const key = JSON.stringify(name);
    if (typeof value === 'function') {
      lines.push(
        `exports[${key}] = function (...args) { const f = load()[${key}]; return new.target ? Reflect.construct(f, args, new.target) : f.apply(this, args); };`,
      );
    } else if (value !== null && typeof value === 'object') {
      lines.push(`Object.defineProperty(exports, ${key}, { enumerable: true, get: () => load()[${key}] });`);
    } else {
      lines.push(`exports[${key}] = ${JSON.stringify(value)};`);
    }
  }
  return lines.join('\n');
}

/** Resolves each lazy module to its file beside the bundle (a relative require, left to Node at run time). */
export const lazyParts = {
  name: 'lazy-parts',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^\\./${LAZY_DIR}/`) }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-forward' }, async (args) => ({
      contents: await forwardingModule(LAZY.find((p) => p.name === args.path)),
      resolveDir: ROOT,
      loader: 'js',
    }));
    for (const part of LAZY) {
      if (part.module) {
        const filter = new RegExp(`^${part.module.replace(/[/.]/g, '\\$&')}$`);
        b.onResolve({ filter }, () =>
          part.forward ? { path: part.name, namespace: 'lazy-forward' } : { path: lazyFile(part.name), external: true },
        );
      } else {
        const target = join(ROOT, part.source);
        const base = part.source.split('/').at(-1).replace(/\.ts$/, '');
        // Imported as `./name.js` (a dynamic import() of the sources needs the extension).
        b.onResolve({ filter: new RegExp(`/${base}(\\.js)?$`) }, (args) =>
          resolve(args.resolveDir, args.path).replace(/(\.js)?$/, '.ts') === target
            ? { path: lazyFile(part.name), external: true }
            : undefined,
        );
      }
    }
  },
};

/** The OpenAPI document, built from the sources now: src/api/openapi.ts bundled alone and run once. */
async function openApiDocument() {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-build-'));
  try {
    const file = join(dir, 'openapi.js');
    await build({ ...common(file, false), entryPoints: [join(ROOT, 'src', 'api', 'openapi.ts')] });
    return createRequire(import.meta.url)(file).buildOpenApi();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds one lazy part into `dir`: the module's own bundle, or for the OpenAPI document, the document. */
async function buildLazyPart(part, dir, sourcemap) {
  const file = join(dir, `${part.name}.js`);
  if (part.module) {
    await build({
      ...common(file, sourcemap),
      stdin: { contents: `export * from '${part.module}';`, resolveDir: ROOT, sourcefile: `${part.name}.ts`, loader: 'ts' },
    });
  } else {
    // The same export as the source module, returning the document made at build time.
    const json = JSON.stringify(await openApiDocument());
    writeFileSync(file, `"use strict";\nexports.buildOpenApi = () => JSON.parse(${JSON.stringify(json)});\n`);
  }
  return { name: part.name, file, bytes: statSync(file).size };
}

/**
 * Builds the bundle and its lazy parts (in `lazy/` beside `outfile`). `entry` (bench/bundle.ts:
 * the cold-start floor) replaces the service's functions, with the same options and no lazy parts.
 */
export async function buildBundle({ outfile = BUNDLE_FILE, sourcemap = true, entry = undefined } = {}) {
  const started = performance.now();
  const files = functionFiles();
  const lazyDir = join(dirname(outfile), LAZY_DIR);
  if (!entry) rmSync(lazyDir, { recursive: true, force: true });
  const [result, ...lazy] = await Promise.all([
    build({
      ...common(outfile, sourcemap),
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
      plugins: entry ? [zodLocaleEsm] : [zodLocaleEsm, lazyParts],
      metafile: true,
    }),
    ...(entry ? [] : LAZY.map((part) => buildLazyPart(part, lazyDir, sourcemap))),
  ]);
  // What the main bundle holds, for `--parts` and the benchmark (bench/bundle.ts); never deployed.
  if (!entry) writeFileSync(metafileOf(outfile), JSON.stringify(result.metafile));
  return {
    file: outfile,
    bytes: statSync(outfile).size,
    functions: entry ? 1 : files.length,
    buildMs: performance.now() - started,
    lazy,
    metafile: result.metafile,
  };
}

/** The main bundle's bytes by package (node_modules) or source folder, largest first, from the metafile. */
export function bundleParts(metafile) {
  const parts = new Map();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = pkg ? pkg[1] : path.includes('/') ? path.split('/').slice(0, -1).join('/') : path;
      parts.set(key, (parts.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...parts].map(([part, bytes]) => ({ part, bytes })).sort((a, b) => b.bytes - a.bytes);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const outArg = args.find((a) => !a.startsWith('--'));
  const outfile = outArg ? resolve(outArg) : BUNDLE_FILE;
  const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
  buildBundle({ outfile }).then(
    (info) => {
      console.log(
        `Bundled ${info.functions} functions into ${relative(ROOT, info.file)} (${kib(info.bytes)}) in ${info.buildMs.toFixed(0)} ms; ` +
          `on demand: ${info.lazy.map((l) => `${relative(ROOT, l.file)} (${kib(l.bytes)})`).join(', ')}.`,
      );
      if (args.includes('--parts')) {
        for (const { part, bytes } of bundleParts(info.metafile)) console.log(`${kib(bytes).padStart(9)}  ${part}`);
      }
    },
    (err) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exitCode = 1;
    },
  );
}
