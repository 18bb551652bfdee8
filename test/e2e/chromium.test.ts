/** `npm test` without Chromium: told at once, with how to install it; CHROMIUM_PATH overrides the path. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHROMIUM, chromiumPath, chromiumProblem } from '../support/chromium';

const ROOT = join(__dirname, '..', '..');
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

describe('a missing Chromium', () => {
  it('stops a run with browser tests before anything starts, saying how to install it', () => {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [VITEST, 'run', 'test/browser/portal.test.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CHROMIUM_PATH: '/nonexistent/chromium' },
      encoding: 'utf8',
    });
    const ms = Date.now() - t0;
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('there is no executable at /nonexistent/chromium');
    expect(r.stderr).toContain('sudo apt-get install chromium');
    expect(r.stderr).toContain('CHROMIUM_PATH');
    expect(r.stdout + r.stderr).not.toContain('Azurite');
    expect(ms).toBeLessThan(20_000);
  });

  it('CHROMIUM_PATH overrides /usr/bin/chromium; an executable there is no problem', () => {
    expect(chromiumPath({})).toBe(DEFAULT_CHROMIUM);
    expect(chromiumPath({ CHROMIUM_PATH: '/opt/chrome/chrome' })).toBe('/opt/chrome/chrome');
    expect(chromiumProblem(process.execPath)).toBeUndefined();
    expect(chromiumProblem(join(ROOT, 'package.json'))).toContain('no executable'); // there, but not executable
  });
});
