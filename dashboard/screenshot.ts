/**
 * `npm run dashboard:screenshot [-- --lake DIR] [--out docs/dashboard.png] [--full-page]`: a picture of
 * the dashboard page (the first 1280×900 pixels, or all of it), taken with the browser tests' tooling
 * (Debian's chromium through puppeteer-core).
 *
 * Without --lake it first writes a demo lake in a temporary folder: the traffic `accesslake up`
 * generates (the same generator, with a fixed seed so the picture is stable), 6 hours of it ending now at 1 request/s, through the
 * real ingest app into file storage, so the charts have hours to show. With --lake it shows that lake's
 * last 6 hours.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import puppeteer from 'puppeteer-core';
import { compileLogFormat, createGenerator, KNOWN_VARIABLES } from '../gen/index.ts';
import { createIngestApp } from '../ingest/index.ts';
import { createStorage } from '../storage/index.ts';
import { startDashboard } from './index.ts';

const HOURS = 6;
const RATE = 1;

async function writeDemoLake(dir: string): Promise<void> {
  const token = 'screenshot-token';
  const app = createIngestApp({ tokens: [token], storage: await createStorage(dir) });
  const generator = createGenerator({ seed: 1, rate: RATE, start: Date.now() - HOURS * 3_600_000 });
  const format = compileLogFormat('json', KNOWN_VARIABLES);
  const end = Date.now() - 30_000;
  for (let batch = 0; ; batch++) {
    const lines: string[] = [];
    let last = 0;
    while (lines.length < 2000) {
      const next = generator.next();
      last = next.request.time;
      if (last > end) break;
      lines.push(generator.render(next, format));
    }
    if (lines.length > 0) {
      const res = await app.request('/v1/batches', {
        method: 'POST',
        body: new Uint8Array(gzipSync(`${lines.join('\n')}\n`)),
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Encoding': 'gzip',
          'Idempotency-Key': `screenshot-${batch}`,
          'X-Source': 'demo',
          'X-Log-Format': 'json',
        },
      });
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    }
    if (last > end) return;
  }
}

const { values } = parseArgs({
  options: { lake: { type: 'string' }, out: { type: 'string' }, 'full-page': { type: 'boolean' } },
});
const out = values.out ?? new URL('../docs/dashboard.png', import.meta.url).pathname;
const lake = values.lake ?? (await mkdtemp(join(tmpdir(), 'accesslake-demo-lake-')));
try {
  if (!values.lake) await writeDemoLake(lake);
  const dashboard = await startDashboard({
    lake,
    lakeLabel: values.lake ?? '(demo: 6 h generated)',
    port: 0,
  });
  const browser = await puppeteer.launch({
    executablePath: process.env.ACCESSLAKE_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(`${dashboard.url}/?range=${HOURS}h&refresh=off`);
    await page.waitForFunction(() => document.body.dataset.refreshes === '1');
    await page.screenshot({ path: out as `${string}.png`, fullPage: values['full-page'] ?? false });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
    await dashboard.close();
  }
} finally {
  if (!values.lake) await rm(lake, { recursive: true, force: true });
}
