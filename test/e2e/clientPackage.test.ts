/**
 * The client as a portal project gets it: `npm pack` of packages/client, the tarball installed
 * into an empty project (offline: the package has no dependencies), type-checked there under
 * the strictest module settings, and run against the real service.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type Service, type World } from '../support/harness';

const ROOT = join(__dirname, '..', '..');
const PACKAGE = join(ROOT, 'packages', 'client');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

// Asynchronous: the service under test runs in this process and must keep answering.
// A failure says what the command printed (tsc prints its errors on stdout).
const run = async (cmd: string, args: string[], cwd: string) => {
  try {
    return (await promisify(execFile)(cmd, args, { cwd, timeout: 150_000, env: { ...process.env, npm_config_update_notifier: 'false' } }))
      .stdout;
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(`${(err as Error).message}\n${stdout}${stderr}`);
  }
};

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, base) : [relative(base, path)];
  });
}

const CONSUMER = `
import { createClient, isApiError, localPrincipal, type Invitation, type Relationship } from '@reseller-relationships/client';

// The types are the service's own, expanded: a literal union, not string or any (were they any,
// the @ts-expect-error lines would be errors themselves).
const status: Invitation['status'] = 'pending';
// @ts-expect-error not an invitation status
const wrong: Invitation['status'] = 'archived';
type Role = Relationship['role'];
const role: Role = 'reseller';
void [status, wrong, role];

const [baseUrl, tenantId] = process.argv.slice(2) as [string, string];
const api = createClient({ baseUrl, headers: { 'x-ms-client-principal': localPrincipal({ tenantId, roles: ['AdminAgent'] }) } });

// @ts-expect-error the attestation is required by the type
void (() => api.removeRelationship(tenantId, { reason: 'no attestation' }));

const partner = await api.getPartner();
const invitation = await api.createInvitation({ customer: { companyName: 'Packed Ltd', email: 'it@packed.example' } });
let code = '';
try {
  await api.getRelationship('00000000-0000-4000-8000-000000000000');
} catch (err) {
  if (isApiError(err)) code = err.code;
}
console.log(JSON.stringify({ partner: partner.name, invitation: invitation.status, hasDraft: invitation.draft?.text.includes(invitation.url ?? '?'), code }));
`;

// process.argv without @types/node: the consumer declares the little it uses.
const GLOBALS = `declare const process: { argv: string[] };\n`;

describe('the client package', () => {
  let work: string;
  let svc: Service;
  let w: World;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'client-pack-'));
    ({ svc, w } = await startWorld());
  }, 120_000);
  afterAll(async () => {
    await svc?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('packs into a tarball a portal installs offline, type-checks and runs against the service', { timeout: 300_000 }, async () => {
    // npm pack runs prepack (the build) and prints the packed files as JSON.
    const [packed] = JSON.parse(await run('npm', ['pack', '--json', '--pack-destination', work], PACKAGE)) as {
      filename: string;
      files: { path: string }[];
    }[];
    const files = packed!.files.map((f) => f.path).sort();
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/types/client/index.d.ts');
    expect(files).toContain('package.json');
    // Nothing of the server: no sources, no domain, storage, http or functions code.
    expect(
      files.filter((f) => !/^(package\.json|README\.md|dist\/index\.js|dist\/types\/(client\/\w+|api\/(routes|paths))\.d\.ts)$/.test(f)),
    ).toEqual([]);

    const project = join(work, 'portal');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'portal', private: true, type: 'module' }));
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(work, packed!.filename)], project);
    const installed = join(project, 'node_modules', '@reseller-relationships', 'client');
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies?: object };
    expect(pkg.dependencies ?? {}).toEqual({});
    const code = readFileSync(join(installed, 'dist', 'index.js'), 'utf8');
    expect(code).not.toMatch(/zod|@azure|node:/);
    for (const d of filesUnder(join(installed, 'dist', 'types'))) {
      expect(readFileSync(join(installed, 'dist', 'types', d), 'utf8'), d).not.toMatch(/from 'zod'|import\("zod"|\bZod[A-Z]/);
    }

    writeFileSync(join(project, 'globals.d.ts'), GLOBALS);
    writeFileSync(join(project, 'main.ts'), CONSUMER);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          lib: ['ES2022', 'DOM'],
          types: [],
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: false,
          outDir: 'out',
        },
        include: ['main.ts', 'globals.d.ts'],
      }),
    );
    // skipLibCheck false: the package's own declarations are checked too; under a bundler's
    // resolution (Vite, esbuild) as well as Node's.
    await run(process.execPath, [TSC, '-p', 'tsconfig.json', '--noEmit', '--module', 'esnext', '--moduleResolution', 'bundler'], project);
    await run(process.execPath, [TSC, '-p', 'tsconfig.json'], project);

    const out = await run(process.execPath, [join(project, 'out', 'main.js'), svc.url, w.reseller.id], project);
    expect(JSON.parse(out)).toEqual({ partner: w.reseller.name, invitation: 'pending', hasDraft: true, code: 'not-found' });
  });
});
