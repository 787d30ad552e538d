/**
 * Debian's chromium (`/usr/bin/chromium`, .ci/apt-packages.txt) driven by puppeteer-core: no browser
 * download. Headless; `--no-sandbox` only as root, where chromium refuses to start with its sandbox.
 */
import puppeteer, { type Browser } from 'puppeteer-core';

export const CHROMIUM = process.env.ACCESSLAKE_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      // /dev/shm is small in containers; chromium falls back to /tmp.
      '--disable-dev-shm-usage',
    ],
  });
}
