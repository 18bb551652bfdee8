/**
 * Where the browser tests find Chromium: Debian's /usr/bin/chromium, or CHROMIUM_PATH (a test
 * setting, not an app setting). No playwright import here: the global setup checks it before
 * anything starts.
 */
import { accessSync, constants } from 'node:fs';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH?.trim() || DEFAULT_CHROMIUM;
}

/** Why the browser tests cannot run, or undefined when the binary is there and executable. */
export function chromiumProblem(path: string = chromiumPath()): string | undefined {
  try {
    accessSync(path, constants.X_OK);
    return undefined;
  } catch {
    return [
      `The browser tests (test/browser) need Chromium, and there is no executable at ${path}.`,
      '  Install it:  sudo apt-get install chromium   (Debian/Ubuntu; .ci/run does this)',
      '  or point CHROMIUM_PATH at a Chromium or Chrome binary:  CHROMIUM_PATH=/path/to/chrome npm test',
      '  or run the other tests only:  npx vitest run test/unit test/e2e test/reliability',
    ].join('\n');
  }
}
