/**
 * The deployment package, assembled as `azd deploy` assembles it (the project folder through
 * .funcignore, scripts/package.mjs): exactly the bundle, the parts it loads on demand, host.json
 * and package.json, under 5 MB, and runnable on its own: with nothing but the host's
 * `@azure/functions-core` beside it, it registers every function with the host, importing it
 * reads no setting and loads none of the lazy parts, and each lazy part loads by itself.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { build, type Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../src/api/operations';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

interface LazyPart {
  name: string;
  module?: string;
  source?: string;
}
interface BuildScript {
  buildBundle: () => Promise<unknown>;
  lazyParts: Plugin;
  LAZY: LazyPart[];
  LAZY_DIR: string;
}
interface PackageScript {
  MAX_PACKAGE_BYTES: number;
  parseIgnore: (text: string) => unknown[];
  isIgnored: (rules: unknown[], path: string, isDir: boolean) => boolean;
  packageFiles: (root?: string) => { path: string; bytes: number }[];
  zip: (root: string, files: { path: string; bytes: number }[]) => Buffer;
}
let pkg: PackageScript;
let buildScript: BuildScript;
let files: { path: string; bytes: number }[];
const staged = mkdtempSync(join(tmpdir(), 'deploy-package-'));

beforeAll(async () => {
  // `npm test` builds first; a lone run of this file builds the bundle itself.
  buildScript = (await import(join(ROOT, 'scripts', 'build.mjs'))) as BuildScript;
  if (!existsSync(join(ROOT, 'dist', 'main.js'))) await buildScript.buildBundle();
  pkg = (await import(join(ROOT, 'scripts', 'package.mjs'))) as PackageScript;
  files = pkg.packageFiles(ROOT);
  for (const f of files) {
    mkdirSync(dirname(join(staged, f.path)), { recursive: true });
    cpSync(join(ROOT, f.path), join(staged, f.path));
  }
});

afterAll(() => rmSync(staged, { recursive: true, force: true }));

describe('.funcignore, read as gitignore', () => {
  it('applies names, folders, globs, anchors and re-inclusion, the last match winning', () => {
    const rules = pkg.parseIgnore('# c\nnode_modules/\n*.map\n/only-top\ndist/*\n!dist/main.js\nsrc/**/x.ts\n');
    const ig = (p: string, dir = false) => pkg.isIgnored(rules, p, dir);
    expect(ig('node_modules', true)).toBe(true);
    expect(ig('a/node_modules', true)).toBe(true);
    expect(ig('node_modules')).toBe(false); // a file of that name: "/" means folders only
    expect(ig('dist/main.js.map')).toBe(true);
    expect(ig('dist/main.js')).toBe(false);
    expect(ig('dist/src', true)).toBe(true);
    expect(ig('dist', true)).toBe(false);
    expect(ig('only-top')).toBe(true);
    expect(ig('a/only-top')).toBe(false);
    expect(ig('src/x.ts')).toBe(true);
    expect(ig('src/a/b/x.ts')).toBe(true);
    expect(ig('host.json')).toBe(false);
  });
});

describe('the deployment package', () => {
  it('holds exactly the bundle, its lazy parts, host.json and package.json', () => {
    const lazy = buildScript.LAZY.map((p) => `dist/${buildScript.LAZY_DIR}/${p.name}.js`);
    expect(files.map((f) => f.path)).toEqual([...lazy.sort(), 'dist/main.js', 'host.json', 'package.json']);
    expect((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string }).main).toBe('dist/main.js');
  });

  it('is under 5 MB, zipped and unzipped', () => {
    const zipped = pkg.zip(ROOT, files).length;
    const unzipped = files.reduce((n, f) => n + f.bytes, 0);
    console.log(
      `deployment package: ${files.length} files, ${(unzipped / 1048576).toFixed(2)} MB, zipped ${(zipped / 1048576).toFixed(2)} MB`,
    );
    expect(unzipped).toBeLessThan(pkg.MAX_PACKAGE_BYTES);
    expect(zipped).toBeLessThan(unzipped);
  });

  it.skipIf(!existsSync('/usr/bin/unzip'))('writes a zip that unzip reads back', async () => {
    const out = join(staged, '..', `${staged.split('/').at(-1)}.zip`);
    writeFileSync(out, pkg.zip(ROOT, files));
    try {
      const { stdout } = await run('unzip', ['-Z1', out]);
      expect(stdout.trim().split('\n')).toEqual(files.map((f) => f.path));
    } finally {
      rmSync(out, { force: true });
    }
  });

  it('registers every function with the host, needing nothing but @azure/functions-core', async () => {
    // A stand-in for the worker's built-in module: records what the bundle registers.
    const core = join(staged, 'node_modules', '@azure', 'functions-core');
    mkdirSync(core, { recursive: true });
    writeFileSync(
      join(core, 'index.js'),
      `const seen = [];
       let capabilities;
       process.on('exit', () => process.stdout.write(JSON.stringify({ seen, capabilities })));
       module.exports = {
         // The worker asks the programming model for its capabilities once the app has loaded.
         setProgrammingModel(model) {
           setImmediate(() => model.getCapabilities({}).then((c) => { capabilities = c; process.exit(); }));
         },
         registerHook() { return { dispose() {} }; },
         log() {},
         registerFunction(metadata) { seen.push(metadata); return { dispose() {} }; },
       };`,
    );
    try {
      const { stdout, stderr } = await run(process.execPath, ['-e', "require(require('path').resolve(require('./package.json').main))"], {
        cwd: staged,
        env: { PATH: process.env.PATH ?? '' }, // no setting at all: importing reads none
      });
      expect(stderr).toBe('');
      const { seen, capabilities } = JSON.parse(stdout) as {
        seen: { name: string; bindings: Record<string, Record<string, unknown>> }[];
        capabilities: Record<string, string>;
      };
      // HTTP streams are on (app.setup({ enableHttpStream: true })): the library offers the host
      // its own HTTP proxy, through which request and response bodies stream.
      expect(capabilities.HttpUri).toMatch(/^http:\/\/localhost:\d+\/$/);
      const trigger = (name: string) => Object.values(seen.find((m) => m.name === name)!.bindings).find((b) => b.direction === 'in')!;
      expect(seen.map((m) => m.name).sort()).toEqual(
        [...Object.keys(operations), 'deliverEvents', 'deliverWaiting', 'expireDelegatedAdmin', 'purgeEvents', 'warnEndingSoon'].sort(),
      );
      for (const op of Object.values(operations)) {
        expect(trigger(op.name), op.name).toMatchObject({
          type: 'httpTrigger',
          route: op.route,
          authLevel: 'anonymous',
          methods: [...op.methods],
        });
      }
      // The webhook delivery queue, by identity-based connection (QUEUES__queueServiceUri in Azure).
      expect(trigger('deliverEvents')).toMatchObject({ type: 'queueTrigger', queueName: 'webhook-events', connection: 'QUEUES' });
      expect(trigger('deliverWaiting')).toMatchObject({ type: 'queueTrigger', queueName: 'webhook-waiting', connection: 'QUEUES' });
    } finally {
      rmSync(join(staged, 'node_modules'), { recursive: true, force: true });
    }
  });

  it('loads without the host too (local mode), opening no connection, reading no setting and loading no lazy part', async () => {
    const probe = `
      const m = require(require('path').resolve(require('./package.json').main));
      setTimeout(() => {
        const sockets = process.getActiveResourcesInfo().filter((r) => /TCP|TLS|UDP|GetAddrInfo|Dns/i.test(r));
        const files = Object.keys(require.cache).filter((f) => f.endsWith('.js')).map((f) => require('path').relative(process.cwd(), f));
        process.stdout.write(JSON.stringify({ functions: m.registeredFunctions().length, sockets, files }));
      }, 100);`;
    const { stdout } = await run(process.execPath, ['-e', probe], { cwd: staged, env: { PATH: process.env.PATH ?? '' } });
    expect(JSON.parse(stdout)).toEqual({ functions: Object.keys(operations).length, sockets: [], files: ['dist/main.js'] });
  });

  it('ships lazy parts that load by themselves, with the exports of the modules they stand for', async () => {
    for (const part of buildScript.LAZY) {
      const file = `./dist/${buildScript.LAZY_DIR}/${part.name}.js`;
      // In the staged package, where no node_modules could stand in for what a part lacks.
      const { stdout } = await run(process.execPath, ['-e', `process.stdout.write(JSON.stringify(Object.keys(require('${file}'))))`], {
        cwd: staged,
        env: { PATH: process.env.PATH ?? '' },
      });
      const exported = (JSON.parse(stdout) as string[]).filter((k) => k !== '__esModule').sort();
      const expected = part.module ? Object.keys(require(part.module) as object) : Object.keys(await import(join(ROOT, part.source!)));
      expect(exported, part.name).toEqual(expected.filter((k) => k !== 'default').sort());
    }
  });

  it('stands in for modules imported at the top of other code, loading each on its first use', async () => {
    // A probe bundled as the bundle is, beside the staged package's lazy parts.
    await build({
      stdin: {
        contents: "export { parse, html } from 'parse5'; export { stringifyXML, XML_CHARKEY } from '@azure/core-xml';",
        resolveDir: ROOT,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      conditions: ['import'],
      outfile: join(staged, 'dist', 'probe.js'),
      plugins: [buildScript.lazyParts],
      logLevel: 'error',
    });
    const probe = `
      const p = require('./dist/probe.js');
      const loaded = () => Object.keys(require.cache).filter((f) => f.includes('/lazy/')).map((f) => require('path').basename(f));
      const before = loaded();
      const doc = p.parse('<p><a href="https://x.example/">go</a>');
      const out = {
        before,
        charKey: p.XML_CHARKEY,
        afterParse: loaded(),
        anchor: doc.childNodes[0].childNodes[1].childNodes[0].childNodes[0].tagName,
        htmlNs: p.html.NS.HTML,
        xml: p.stringifyXML({ a: '1' }, { rootName: 'r' }),
        after: loaded(),
      };
      process.stdout.write(JSON.stringify(out));`;
    const { stdout } = await run(process.execPath, ['-e', probe], { cwd: staged, env: { PATH: process.env.PATH ?? '' } });
    expect(JSON.parse(stdout)).toEqual({
      before: [],
      charKey: '_',
      afterParse: ['html.js'],
      anchor: 'a',
      htmlNs: 'http://www.w3.org/1999/xhtml',
      xml: expect.stringContaining('<r><a>1</a></r>'),
      after: ['html.js', 'xml.js'],
    });
  });

  it('ships the OpenAPI document made at build time, the same as the sources make', async () => {
    const { buildOpenApi } = await import('../../src/api/openapi.js');
    const built = require(join(staged, 'dist', buildScript.LAZY_DIR, 'openapi.js')) as { buildOpenApi: () => unknown };
    expect(built.buildOpenApi()).toEqual(buildOpenApi());
  });
});
