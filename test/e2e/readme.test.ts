/**
 * The README's walkthrough, run as a newcomer runs it: every ```sh block of its "Walkthrough"
 * section, in order, in ONE bash, against the real service (the local runner, its own tables,
 * the demo partners `npm start` loads), with only BASE pointing at this run's port. Each block
 * must exit 0 under `set -euo pipefail` and print what the README says it prints.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFile } from '../../src/local/seed';
import { principalHeader, startService, type Service } from '../support/harness';

const ROOT = join(__dirname, '..', '..');
const HEADING = /^## Walkthrough\b/;

export interface Block {
  line: number;
  code: string;
}

/** The fenced blocks of the walkthrough section: ```sh ones are run, and no other shell-like fence may hide there. */
export function walkthroughBlocks(markdown: string): { run: Block[]; unrun: Block[] } {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => HEADING.test(l));
  if (start < 0) throw new Error('README.md has no "## Walkthrough" heading');
  const run: Block[] = [];
  const unrun: Block[] = [];
  for (let i = start + 1; i < lines.length && !/^## /.test(lines[i]!); i++) {
    const open = /^```(\S*)/.exec(lines[i]!);
    if (!open) continue;
    const body: string[] = [];
    const first = i + 1;
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    const block = { line: first, code: body.join('\n') };
    if (open[1] === 'sh') run.push(block);
    else if (['', 'bash', 'shell', 'zsh', 'console'].includes(open[1]!)) unrun.push(block);
  }
  return { run, unrun };
}

/** One bash for the whole walkthrough; `runBlock` feeds it a block and collects what it prints. */
class Shell {
  private out = '';
  private err = '';
  private exit: number | null = null;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(env: NodeJS.ProcessEnv, cwd: string) {
    this.child = spawn('bash', ['--noprofile', '--norc'], { env, cwd });
    this.child.stdout.on('data', (d: Buffer) => (this.out += d.toString()));
    this.child.stderr.on('data', (d: Buffer) => (this.err += d.toString()));
    this.child.on('exit', (code) => (this.exit = code ?? -1));
  }

  async runBlock(file: string, n: number, timeoutMs = 30_000): Promise<{ stdout: string; stderr: string }> {
    const marker = `__README_BLOCK_${n}_DONE__`;
    const [outAt, errAt] = [this.out.length, this.err.length];
    // set -e inside the sourced block: a failing command ends the shell, which the test reports.
    this.child.stdin.write(`set -euo pipefail; source '${file}'; set +euo pipefail; printf '\\n%s\\n' '${marker}'\n`);
    const t0 = Date.now();
    while (!this.out.includes(marker)) {
      const seen = { stdout: this.out.slice(outAt), stderr: this.err.slice(errAt) };
      if (this.exit !== null) throw new Error(`the block exited with ${this.exit}\n--- stdout\n${seen.stdout}\n--- stderr\n${seen.stderr}`);
      if (Date.now() - t0 > timeoutMs) throw new Error(`the block did not finish in ${timeoutMs} ms\n--- stdout\n${seen.stdout}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return { stdout: this.out.slice(outAt, this.out.indexOf(marker)).trimEnd(), stderr: this.err.slice(errAt) };
  }

  close(): void {
    if (this.exit === null) this.child.kill('SIGTERM');
  }
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('README walkthrough', () => {
  let svc: Service;
  let work: string;
  let shell: Shell;
  const blocks = walkthroughBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));

  beforeAll(async () => {
    svc = await startService();
    await seedFile(svc.deps, join(ROOT, 'demo', 'partners.json'));
    work = mkdtempSync(join(tmpdir(), 'readme-'));
    // Nothing of the developer's environment but PATH and HOME; BASE is this run's service.
    shell = new Shell({ PATH: process.env.PATH, HOME: work, BASE: svc.url }, work);
  });
  afterAll(async () => {
    shell?.close();
    await svc?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('has its shell blocks marked ```sh, so that every one of them is run here', () => {
    expect(blocks.run.length).toBeGreaterThanOrEqual(8);
    expect(
      blocks.unrun.map((b) => `README.md:${b.line}`),
      'mark shell blocks of the walkthrough ```sh (they are run) or move them out of it',
    ).toEqual([]);
    expect(blocks.run.map((b) => b.code).join('\n')).toContain('BASE=${BASE:-http://localhost:7071}');
  });

  it('runs top to bottom in one shell, twice, each block exiting 0 and printing what the README says', { timeout: 120_000 }, async () => {
    /** What a block that contains `when` must print; every rule must find its block. */
    const rules: { when: string; prints: RegExp[] }[] = [
      { when: '/partners/me', prints: [/"status":"ok"/, /"name":"Fabrikam Cloud Resellers"/, /Northwind Distribución/] },
      {
        when: 'INVITATION=$(',
        prints: [new RegExp(`^${UUID} ${svc.url.replace(/[.]/g, '\\.')}/api/accept/[A-Za-z0-9_-]+$`, 'm'), /Fabrikam Cloud Resellers/],
      },
      { when: '/send', prints: [/^http:\/\/localhost:\d+\/api\/accept\/\S+$/m, /email-not-configured/, /^HTTP 409$/m] },
      { when: '"decision":"accept"', prints: [/"status":"accepted"/, new RegExp(`"customerId":"3f1d5b7a-2c4e-4a6b-8d9f-0e1a2b3c4d5e"`)] },
      {
        when: 'delegated-admin/requests',
        prints: [/^added: 729827e3-9c14-49f7-bb1b-9608f156bbb8$/m, /"status":"approved"/, /"endsAt":"/, /^roles now: 2$/m],
      },
      { when: 'relationships?q=', prints: [/"companyName":"Contoso Ltd"/, /"status":"active"/] },
      { when: 'ETAG=$(', prints: [/^".+"$/m, /^stale ETag: HTTP 412$/m, /"status":"removed"/, /"status":"revoked"/] },
      { when: '/audit', prints: [/relationship\.removed/, /relationship\.established/] },
      { when: '-X DELETE', prints: [/^revoked$/m, /^the withdrawn link: HTTP 410$/m] },
      {
        when: '/webhooks/test',
        prints: [/"url":"http:\/\/localhost:9000\/hook".* HTTP 20[01]$/m, /^test event [0-9a-f-]{36}$/m, /"items":\[/],
      },
    ];
    const matched = new Set<string>();
    const transcript: string[] = [];
    // Twice: a reader who runs the walkthrough again against the same `npm start` gets the same.
    const runs = [...blocks.run, ...blocks.run];
    for (const [n, block] of runs.entries()) {
      const file = join(work, `block-${n}.sh`);
      writeFileSync(file, `${block.code}\n`);
      let result: { stdout: string; stderr: string };
      try {
        result = await shell.runBlock(file, n);
      } catch (err) {
        throw new Error(`README.md:${block.line}: ${(err as Error).message}\n--- earlier blocks\n${transcript.join('\n')}`);
      }
      transcript.push(`# README.md:${block.line}\n${result.stdout}`);
      expect(result.stderr, `README.md:${block.line} wrote to stderr`).toBe('');
      for (const rule of rules.filter((r) => block.code.includes(r.when))) {
        matched.add(rule.when);
        for (const re of rule.prints) expect(result.stdout, `README.md:${block.line} should print ${re}`).toMatch(re);
      }
    }
    if (process.env.README_TRANSCRIPT) console.log(transcript.join('\n'));
    expect([...matched].sort(), 'a step of the walkthrough is missing').toEqual(rules.map((r) => r.when).sort());

    // And the service agrees: the customer was removed, with delegated admin revoked.
    const rel = await fetch(`${svc.url}/api/relationships/3f1d5b7a-2c4e-4a6b-8d9f-0e1a2b3c4d5e`, {
      headers: { 'x-ms-client-principal': principalHeader({ tenantId: '8c2f4a51-3b7e-4d1a-9f60-2b5e7c9d1a01' }) },
    });
    expect(((await rel.json()) as { status: string }).status).toBe('removed');
  });
});
