/** Debian's Chromium (or CHROMIUM_PATH) driven by playwright-core (never a downloaded browser). */
import { chromium, type Browser } from 'playwright-core';
import { chromiumPath, chromiumProblem } from './chromium';

export async function launchChromium(): Promise<Browser> {
  const problem = chromiumProblem();
  if (problem) throw new Error(problem);
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
