/**
 * The deployment package, assembled as `azd deploy` assembles it (the project folder through
 * .funcignore, scripts/package.mjs): exactly the bundle, host.json and package.json, under
 * 5 MB, and runnable on its own: with nothing but the host's `@azure/functions-core` beside
 * it, it registers every function with the host, and importing it reads no setting.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../src/api/operations';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

interface PackageScript {
  MAX_PACKAGE_BYTES: number;
  parseIgnore: (text: string) => unknown[];
  isIgnored: (rules: unknown[], path: string, isDir: boolean) => boolean;
  packageFiles: (root?: string) => { path: string; bytes: number }[];
  zip: (root: string, files: { path: string; bytes: number }[]) => Buffer;
}
let pkg: PackageScript;
let files: { path: string; bytes: number }[];
const staged = mkdtempSync(join(tmpdir(), 'deploy-package-'));

beforeAll(async () => {
  // `npm test` builds first; a lone run of this file builds the bundle itself.
  if (!existsSync(join(ROOT, 'dist', 'main.js'))) {
    const { buildBundle } = (await import(join(ROOT, 'scripts', 'build.mjs'))) as { buildBundle: () => Promise<unknown> };
    await buildBundle();
  }
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
  it('holds exactly the bundle, host.json and package.json', () => {
    expect(files.map((f) => f.path)).toEqual(['dist/main.js', 'host.json', 'package.json']);
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
      expect(seen.map((m) => m.name).sort()).toEqual([...Object.keys(operations), 'deliverEvents', 'expireDelegatedAdmin'].sort());
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
    } finally {
      rmSync(join(staged, 'node_modules'), { recursive: true, force: true });
    }
  });

  it('loads without the host too (local mode), opening no connection and reading no setting', async () => {
    const probe = `
      const m = require(require('path').resolve(require('./package.json').main));
      setTimeout(() => {
        const sockets = process.getActiveResourcesInfo().filter((r) => /TCP|TLS|UDP|GetAddrInfo|Dns/i.test(r));
        process.stdout.write(JSON.stringify({ functions: m.registeredFunctions().length, sockets }));
      }, 100);`;
    const { stdout } = await run(process.execPath, ['-e', probe], { cwd: staged, env: { PATH: process.env.PATH ?? '' } });
    expect(JSON.parse(stdout)).toEqual({ functions: Object.keys(operations).length, sockets: [] });
  });
});
