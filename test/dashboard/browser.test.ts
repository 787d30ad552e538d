/**
 * The dashboard page in a real browser (Debian's chromium, test/support/browser.ts) over a lake the real
 * ingest wrote: every panel renders, the numbers it shows equal the same queries run directly on DuckDB
 * for the range the page shows, the time-range picker and auto-refresh change them as they should, and
 * an empty lake, a missing lake folder and a failing query each show their message.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../../dashboard/index.ts';
import { PANELS } from '../../grafana/panels.ts';
import { createDuckDbEngine } from '../../query/duckdb.ts';
import { NAMED_QUERIES, type QueryEngine, renderNamedQuery } from '../../query/index.ts';
import { writeGenLake } from '../grafana/gen-lake.ts';
import { launchChromium } from '../support/browser.ts';

const HOUR = 3_600_000;
// Records from 2 h ago for about 1.5 h (3000 at 0.4/s, in the generator's bursts): none in the last 15
// minutes, some in the last hour, all of them in the last 6 hours.
const now = Date.now();
const START = now - 2 * HOUR;
const COUNT = 3000;

let browser: Browser;
let lake: string;
let engine: QueryEngine;
let dashboard: RunningDashboard;
const cleanup: (() => Promise<unknown>)[] = [];
/** Uncaught errors in any page's script; checked after each test. */
const pageErrors: string[] = [];
afterEach(() => {
  expect(pageErrors).toEqual([]);
});

beforeAll(async () => {
  lake = await writeGenLake({ start: START, count: COUNT, rate: 0.4, seed: 20 });
  engine = await createDuckDbEngine({ lake });
  dashboard = await startDashboard({ lake, lakeLabel: './demo-lake', port: 0 });
  browser = await launchChromium();
});
afterAll(async () => {
  // The browser first: its keep-alive connections would hold the servers' close.
  await browser?.close();
  for (const step of cleanup.reverse()) await step().catch(() => {});
  await dashboard?.close();
  await engine?.close();
  if (lake) await rm(lake, { recursive: true, force: true });
});

async function openPage(url: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  await page.setViewport({ width: 1400, height: 1000 });
  await page.goto(url);
  await waitForRefresh(page, 1);
  return page;
}

/** Waits until the page has finished its `n`th refresh (`body[data-refreshes]`). */
async function waitForRefresh(page: Page, n: number): Promise<void> {
  await page.waitForFunction((count) => Number(document.body.dataset.refreshes ?? 0) >= count, {}, n);
}

async function refreshes(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.body.dataset.refreshes ?? 0));
}

/** What the page shows: its range, headline values and each panel's state, read stats and SQL. */
async function shown(page: Page) {
  const view = await page.evaluate(() => {
    const range = document.querySelector<HTMLElement>('#range')!;
    const headline = (id: string) => document.querySelector<HTMLElement>(`[data-headline="${id}"]`)!;
    return {
      from: range.dataset.from!,
      to: range.dataset.to!,
      requests: headline('requests').dataset.value!,
      requestsText: headline('requests').querySelector('.value')!.textContent,
      errorRate: headline('error-rate').dataset.value!,
      topPath: headline('top-path').dataset.value!,
      panels: [...document.querySelectorAll<HTMLElement>('section.panel')].map((section) => ({
        query: section.dataset.query!,
        state: section.dataset.state!,
        objects: section.dataset.objects,
        bytes: section.dataset.bytes,
        sql: section.querySelector('pre')!.textContent,
        message: section.querySelector('.message')!.textContent,
        canvases: section.querySelectorAll('.uplot canvas').length,
        rows: section.querySelectorAll('tbody tr').length,
      })),
    };
  });
  // Dates do not cross from the page; ISO text does.
  return { ...view, from: new Date(view.from), to: new Date(view.to) };
}

/** The same figures straight from DuckDB for `[from, to)`. */
async function direct(from: Date, to: Date) {
  const [totals] = (
    await engine.query(
      `SELECT count(*) AS requests, count_if(status >= 500) AS server_errors FROM access_logs
       WHERE ts >= '${from.toISOString()}' AND ts < '${to.toISOString()}'`,
    )
  ).rows as { requests: number; server_errors: number }[];
  const topPaths = await engine.query(await renderNamedQuery('top-paths', { from, to }));
  return { ...totals!, topPath: topPaths.rows[0]?.path as string | undefined };
}

async function pick(page: Page, preset: string): Promise<Awaited<ReturnType<typeof shown>>> {
  const before = await refreshes(page);
  await page.select('#range-picker', preset);
  await waitForRefresh(page, before + 1);
  return shown(page);
}

describe('the dashboard page over a lake the real ingest wrote', () => {
  it('renders every panel, with the numbers, SQL and read stats of the same queries run directly', async () => {
    const page = await openPage(`${dashboard.url}/?range=6h&refresh=off`);
    const view = await shown(page);
    expect(view.to.getTime() - view.from.getTime()).toBe(6 * HOUR);
    expect(view.panels.map((p) => p.query)).toEqual(PANELS.map((p) => p.query));
    expect(new Set(view.panels.map((p) => p.query))).toEqual(new Set(NAMED_QUERIES));

    const expected = await direct(view.from, view.to);
    expect(expected.requests).toBe(COUNT);
    expect(Number(view.requests)).toBe(expected.requests);
    expect(view.requestsText).toBe('3,000');
    expect(Number(view.errorRate)).toBeCloseTo(expected.server_errors / expected.requests, 12);
    expect(expected.server_errors).toBeGreaterThan(0);
    expect(view.topPath).toBe(expected.topPath);

    for (const panel of view.panels) {
      const spec = PANELS.find((p) => p.query === panel.query)!;
      expect(panel.state, panel.query).toBe('ready');
      if (spec.type === 'timeseries') expect(panel.canvases, panel.query).toBeGreaterThan(0);
      else expect(panel.rows, panel.query).toBeGreaterThan(0);
      const sql = await renderNamedQuery(spec.query, { from: view.from, to: view.to });
      expect(panel.sql).toBe(sql);
      const { read } = await engine.query(sql);
      expect(read!.objects).toBeGreaterThan(0);
      expect({ objects: Number(panel.objects), bytes: Number(panel.bytes) }, panel.query).toEqual(read);
    }
  });

  it('changes the numbers with the time-range picker, and takes a custom range in UTC', async () => {
    const page = await openPage(`${dashboard.url}/?range=6h&refresh=off`);

    const lastHour = await pick(page, '1h');
    const inHour = await direct(lastHour.from, lastHour.to);
    expect(lastHour.to.getTime() - lastHour.from.getTime()).toBe(HOUR);
    expect(inHour.requests).toBeGreaterThan(0);
    expect(inHour.requests).toBeLessThan(COUNT);
    expect(Number(lastHour.requests)).toBe(inHour.requests);
    expect(lastHour.topPath).toBe(inHour.topPath);

    const quarter = await pick(page, '15m');
    expect((await direct(quarter.from, quarter.to)).requests).toBe(0);
    expect(quarter.requests).toBe('');
    expect(quarter.requestsText).toBe('–');
    for (const panel of quarter.panels) {
      expect(panel.state, panel.query).toBe('empty');
      expect(panel.message).toBe('No requests in this range.');
    }

    expect(Number((await pick(page, '24h')).requests)).toBe(COUNT);
    expect(Number((await pick(page, '7d')).requests)).toBe(COUNT);

    // Custom: 40 minutes from the first full minute after the lake's start.
    const from = new Date(Math.ceil(START / 60_000) * 60_000 + 10 * 60_000);
    const to = new Date(from.getTime() + 40 * 60_000);
    await page.select('#range-picker', 'custom');
    const input = (d: Date) => d.toISOString().slice(0, 16);
    await page.$eval('#custom-from', (el, v) => ((el as HTMLInputElement).value = v), input(from));
    await page.$eval('#custom-to', (el, v) => ((el as HTMLInputElement).value = v), input(to));
    const before = await refreshes(page);
    await page.click('#custom button[type="submit"]');
    await waitForRefresh(page, before + 1);
    const custom = await shown(page);
    expect(custom.from).toEqual(from);
    expect(custom.to).toEqual(to);
    const inCustom = await direct(from, to);
    expect(inCustom.requests).toBeGreaterThan(0);
    expect(Number(custom.requests)).toBe(inCustom.requests);
    expect(Number(custom.errorRate)).toBeCloseTo(inCustom.server_errors / inCustom.requests, 12);
    expect(custom.topPath).toBe(inCustom.topPath);
    // The choice is kept in the address, so a reload shows the same range.
    expect(new URL(page.url()).searchParams.get('from')).toBe(input(from));
  });

  it('refreshes by itself and shows records that arrived since', async () => {
    const page = await openPage(`${dashboard.url}/?range=6h&refresh=5s`);
    expect(Number((await shown(page)).requests)).toBe(COUNT);
    await writeGenLake({
      dir: lake,
      start: START + 30 * 60_000,
      count: 200,
      rate: 1,
      seed: 21,
      batchPrefix: 'more-batches',
    });
    // The next automatic refresh (no click, no reload) picks them up.
    await page.waitForFunction(
      (total) => document.querySelector<HTMLElement>('[data-headline="requests"]')?.dataset.value === total,
      { timeout: 30_000 },
      String(COUNT + 200),
    );
    expect(await refreshes(page)).toBeGreaterThanOrEqual(2);
  });
});

describe('the dashboard page says what is wrong', () => {
  async function pageOver(lakeDir: string): Promise<Page> {
    const server = await startDashboard({ lake: lakeDir, lakeLabel: './lake', port: 0 });
    cleanup.push(() => server.close());
    return openPage(`${server.url}/?range=1h&refresh=off`);
  }
  const bannerOf = (page: Page) =>
    page.$eval('#banner', (el) => ({
      hidden: (el as HTMLElement).hidden,
      state: (el as HTMLElement).dataset.state,
      text: el.textContent,
    }));

  it('an empty lake', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'accesslake-dash-empty-'));
    cleanup.push(() => rm(empty, { recursive: true, force: true }));
    const page = await pageOver(empty);
    expect(await bannerOf(page)).toEqual({
      hidden: false,
      state: 'empty',
      text: expect.stringContaining('The lake ./lake holds no records yet.'),
    });
    const view = await shown(page);
    expect(view.panels.every((p) => p.state === 'waiting')).toBe(true);
    expect(view.requests).toBe('');
  });

  it('a lake folder that does not exist', async () => {
    const page = await pageOver(join(tmpdir(), `accesslake-dash-missing-${process.pid}`));
    expect(await bannerOf(page)).toEqual({
      hidden: false,
      state: 'missing',
      text: expect.stringContaining('The lake folder ./lake does not exist.'),
    });
  });

  it('a query that fails, in every panel, with DuckDB’s reason and the SQL', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'accesslake-dash-broken-'));
    cleanup.push(() => rm(broken, { recursive: true, force: true }));
    const hour = new Date(now - 10 * 60_000).toISOString();
    const folder = join(
      broken,
      'access_logs',
      `year=${hour.slice(0, 4)}`,
      `month=${hour.slice(5, 7)}`,
      `day=${hour.slice(8, 10)}`,
      `hour=${hour.slice(11, 13)}`,
    );
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'access_broken-0.jsonl.gz'), 'this is not gzip');
    const page = await pageOver(broken);
    expect((await bannerOf(page)).hidden).toBe(true);
    for (const panel of (await shown(page)).panels) {
      expect(panel.state, panel.query).toBe('error');
      expect(panel.message).toMatch(/^Query failed: DuckDB could not run the query \(cause: .*gzip/i);
      expect(panel.sql).toContain('FROM access_logs');
    }
  });
});
