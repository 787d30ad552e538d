import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.ts';
import { createDuckDbEngine } from '../../query/duckdb.ts';
import { resolveReportConfig } from '../../reports/config.ts';
import { ReportOutputError } from '../../reports/errors.ts';
import { runReportFromConfig } from '../../reports/from-config.ts';
import type { ReportRow } from '../../reports/model.ts';
import { createLinkMaker } from '../../reports/output/links.ts';
import { resolvePeriod } from '../../reports/period/resolve-period.ts';
import { runReport } from '../../reports/run-report.ts';
import { REPORT_COLUMNS } from '../../reports/sql/report-query.ts';
import { createStorage, type ObjectStorage } from '../../storage/index.ts';
import { readCsvGz, readParquet } from './helpers/files.ts';
import {
  type Figures,
  figures,
  generateRecords,
  groupFigures,
  inRange,
  type TrafficRecord,
  writeLake,
} from './helpers/traffic.ts';

const openDuckDb = (lake: string) => createDuckDbEngine({ lake });

const TOP = 3;
let dir: string;
let lake: string;
let records: TrafficRecord[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'accesslake-report-test-'));
  lake = join(dir, 'lake');
  // 2025-01-04 (Sat) … 2025-01-15 (Wed): the week 2025-W02 plus days on both sides that must be left out.
  records = generateRecords(1500, '2025-01-04T00:00:00.000Z', '2025-01-15T00:00:00.000Z');
  await writeLake(lake, records);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const pathOnly = (r: TrafficRecord) => r.path.split('?')[0]!;

function expectFigures(row: ReportRow | undefined, want: Figures | undefined, what: string) {
  expect(row, what).toBeDefined();
  expect(want, what).toBeDefined();
  expect(
    {
      requests: row!.requests,
      bytesSent: row!.bytesSent,
      clientErrors: row!.clientErrors,
      serverErrors: row!.serverErrors,
      p50: row!.p50,
      p95: row!.p95,
      p99: row!.p99,
    },
    what,
  ).toEqual(want);
}

/** The top `n` keys by requests (ties by key), as the report ranks them. */
function topKeys(groups: Map<string, Figures>, n: number): string[] {
  return [...groups]
    .sort(([ka, a], [kb, b]) => b.requests - a.requests || (ka < kb ? -1 : 1))
    .slice(0, n)
    .map(([key]) => key);
}

describe('DuckDB report over a lake written by the real ingest', () => {
  it('computes the weekly totals, days, classes, top lists and hot spots the records give', async () => {
    const config = resolveReportConfig(
      { period: 'weekly', 'as-of': '2025-01-15', lake, top: String(TOP) },
      {},
    );
    const outcome = await runReportFromConfig(config, { openDuckDb });
    const { sections, period } = outcome.report;

    expect(period).toMatchObject({ label: '2025-W02', start: '2025-01-06', end: '2025-01-12' });
    const week = inRange(records, '2025-01-06T00:00:00.000Z', '2025-01-13T00:00:00.000Z');
    expect(week.length).toBeGreaterThan(800);
    expect(week.length).toBeLessThan(records.length);

    expectFigures(sections.total, figures(week), 'total');
    expect(sections.total.errorRate).toBeCloseTo(figures(week).serverErrors / week.length, 12);

    const days = groupFigures(week, (r) => r.ts.slice(0, 10));
    expect(sections.daily.map((r) => r.key)).toEqual([...days.keys()].sort());
    for (const row of sections.daily) expectFigures(row, days.get(row.key!), `day ${row.key}`);

    const classes = groupFigures(week, (r) => `${String(r.status)[0]}xx`);
    expect(sections.statusClasses.map((r) => r.key)).toEqual([...classes.keys()].sort());
    for (const row of sections.statusClasses) expectFigures(row, classes.get(row.key!), `class ${row.key}`);

    const paths = groupFigures(week, pathOnly);
    expect(sections.topPaths.map((r) => r.key)).toEqual(topKeys(paths, TOP));
    for (const row of sections.topPaths) expectFigures(row, paths.get(row.key!), `path ${row.key}`);

    const clients = groupFigures(week, (r) => r.remote_addr);
    expect(sections.topClients.map((r) => r.key)).toEqual(topKeys(clients, TOP));
    for (const row of sections.topClients) expectFigures(row, clients.get(row.key!), `client ${row.key}`);

    const agents = groupFigures(week, (r) => r.user_agent ?? '(none)');
    expect(sections.topUserAgents.map((r) => r.key)).toEqual(topKeys(agents, TOP));
    for (const row of sections.topUserAgents) expectFigures(row, agents.get(row.key!), `agent ${row.key}`);

    const hotSpots = [...paths]
      .filter(([, f]) => f.clientErrors + f.serverErrors > 0)
      .sort(
        ([ka, a], [kb, b]) =>
          b.clientErrors + b.serverErrors - (a.clientErrors + a.serverErrors) ||
          b.serverErrors - a.serverErrors ||
          b.requests - a.requests ||
          (ka < kb ? -1 : 1),
      )
      .slice(0, TOP)
      .map(([key]) => key);
    expect(sections.errorHotSpots.map((r) => r.key)).toEqual(hotSpots);
    expect(hotSpots[0]).toBe('/broken');
  });

  it('writes one Parquet and one CSV.gz that read back to the same rows, and a summary that links them', async () => {
    const config = resolveReportConfig(
      { period: 'weekly', 'as-of': '2025-01-15', lake, top: String(TOP) },
      {},
    );
    const outcome = await runReportFromConfig(config, { openDuckDb });
    const root = join(lake, 'reports');

    expect(outcome.keys.parquet).toEqual([
      'reports/parquet/kind=weekly/period=2025-W02/accesslake-weekly-2025-W02.parquet',
    ]);
    expect(outcome.keys.csv).toBe(
      'reports/csv/kind=weekly/period=2025-W02/accesslake-weekly-2025-W02.csv.gz',
    );

    const parquet = await readParquet(join(lake, outcome.keys.parquet[0]!));
    expect(parquet.columns).toEqual(REPORT_COLUMNS.map(([name]) => name));
    expect(parquet.rows).toHaveLength(outcome.report.rows.length);
    const total = parquet.rows.find((r) => r.dimension === 'total')!;
    expect(Number(total.requests)).toBe(outcome.report.sections.total.requests);
    expect(total).toMatchObject({
      period_kind: 'weekly',
      period_label: '2025-W02',
      time_zone: 'UTC',
      key: null,
    });

    const csv = readCsvGz(new Uint8Array(await readFile(join(lake, outcome.keys.csv))));
    expect(csv.header).toEqual(REPORT_COLUMNS.map(([name]) => name));
    expect(csv.rows).toHaveLength(parquet.rows.length);
    // Same rows in the same order; a user agent with quotes and commas survives CSV quoting.
    expect(csv.rows.map((r) => [r.dimension, r.key, r.requests])).toEqual(
      parquet.rows.map((r) => [r.dimension, r.key ?? '', String(r.requests)]),
    );
    expect(csv.rows.some((r) => r.key === 'bot "quoted", with commas')).toBe(true);
    expect(csv.rows[0]!.dimension).toBe('total');

    const markdown = await readFile(join(lake, outcome.keys.markdown), 'utf8');
    expect(markdown).toContain('# accesslake weekly report 2025-W02');
    expect(markdown).toContain(join(lake, outcome.keys.csv));
    expect(markdown).toContain('| 1 | /broken |');
    const html = await readFile(join(lake, outcome.keys.html), 'utf8');
    expect(html).toContain('bot &quot;quoted&quot;, with commas');
    expect(html).not.toContain('bot "quoted"');

    // Nothing else is left under reports/: no staging folder, no write check.
    const storage = await createStorage(lake);
    expect((await storage.list('reports/')).filter((k) => !k.includes('period=2025-W02'))).toEqual([]);
    await expect(readFile(join(root, 'staging'))).rejects.toThrow();
  });

  it('counts days in the --tz zone and converts its midnights to UTC', async () => {
    const config = resolveReportConfig(
      { period: 'weekly', 'as-of': '2025-01-15', tz: 'America/New_York', lake, top: String(TOP) },
      {},
    );
    const outcome = await runReportFromConfig(config, { openDuckDb });
    // New York is UTC-5 in January: its Monday 00:00 is 05:00Z.
    expect(outcome.report.period).toMatchObject({
      fromTs: '2025-01-06T05:00:00.000Z',
      toTs: '2025-01-13T05:00:00.000Z',
    });
    const week = inRange(records, '2025-01-06T05:00:00.000Z', '2025-01-13T05:00:00.000Z');
    expectFigures(outcome.report.sections.total, figures(week), 'total');
    const localDay = (r: TrafficRecord) =>
      new Date(r.ts).toLocaleDateString('en-CA', { timeZone: 'America/New_York' });
    const days = groupFigures(week, localDay);
    expect(outcome.report.sections.daily.map((r) => r.key)).toEqual([...days.keys()].sort());
    for (const row of outcome.report.sections.daily) expectFigures(row, days.get(row.key!), `day ${row.key}`);
    expect(outcome.keys.markdown).toBe(
      'reports/summary/kind=weekly/period=2025-W02_America.New_York/summary.md',
    );
  });

  it('reports "no data" for an empty period instead of failing', async () => {
    const config = resolveReportConfig({ from: '2024-06-01', to: '2024-06-07', lake }, {});
    const outcome = await runReportFromConfig(config, { openDuckDb });
    expect(outcome.report.empty).toBe(true);
    expect(outcome.report.sections.total.requests).toBe(0);
    expect(outcome.markdown).toContain('**No data:** no request was logged in this period.');
    const parquet = await readParquet(join(lake, outcome.keys.parquet[0]!));
    expect(parquet.rows).toEqual([expect.objectContaining({ dimension: 'total', requests: '0' })]);
    expect(outcome.keys.csv).toBe(
      'reports/csv/kind=custom/period=2024-06-01_2024-06-07/accesslake-custom-2024-06-01_2024-06-07.csv.gz',
    );
  });

  it('refuses an unwritable output before running any query', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'not a folder');
    const engine = await createDuckDbEngine({ lake });
    const query = vi.spyOn(engine, 'query');
    const output = await createStorage(join(blocker, 'out'));
    try {
      const run = runReport({
        period: resolvePeriod({ period: 'weekly', now: new Date('2025-01-15T00:00:00Z') }),
        engine,
        output,
        links: createLinkMaker(output.url),
      });
      await expect(run).rejects.toThrow(ReportOutputError);
      await expect(run).rejects.toThrow(
        /cannot write the report to file:.*a-file\/out.*check that --out exists/,
      );
      expect(query).not.toHaveBeenCalled();
    } finally {
      await engine.close();
    }
  });

  it('deletes the files it already wrote when a later one fails, leaving no partial report', async () => {
    const outDir = join(dir, 'flaky-out');
    const real = await createStorage(outDir);
    // The CSV write fails after the Parquet file went out.
    const flaky: ObjectStorage = {
      ...real,
      url: real.url,
      put: (key, body, options) =>
        key.endsWith('.csv.gz') ? Promise.reject(new Error('disk full')) : real.put(key, body, options),
    };
    const engine = await createDuckDbEngine({ lake });
    try {
      const run = runReport({
        period: resolvePeriod({ period: 'weekly', now: new Date('2025-01-15T00:00:00Z') }),
        engine,
        output: flaky,
        links: createLinkMaker(real.url),
      });
      await expect(run).rejects.toThrow(/writing the report to .* failed, nothing was kept: disk full/);
      expect(await real.list('')).toEqual([]);
    } finally {
      await engine.close();
    }
  });
});

describe('accesslake report (CLI)', () => {
  async function cli(args: string[], env: Record<string, string> = {}) {
    const errors: string[] = [];
    const logs: string[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation((...a) => void errors.push(a.join(' ')));
    const log = vi.spyOn(console, 'log').mockImplementation((...a) => void logs.push(a.join(' ')));
    try {
      return { code: await main(['report', ...args], env), errors: errors.join('\n'), logs: logs.join('\n') };
    } finally {
      error.mockRestore();
      log.mockRestore();
    }
  }

  it('writes the report and prints where it went', async () => {
    const { code, logs } = await cli(['--from', '2025-01-10', '--to', '2025-01-10', '--lake', lake]);
    expect(code).toBe(0);
    const day = inRange(records, '2025-01-10T00:00:00.000Z', '2025-01-11T00:00:00.000Z');
    expect(logs).toContain(
      `custom report 2025-01-10_2025-01-10: 2025-01-10 (UTC): ${day.length.toLocaleString('en-US')} requests`,
    );
    expect(logs).toContain(join(lake, 'reports/csv/kind=custom/period=2025-01-10_2025-01-10/'));
  });

  it.each([
    [
      ['--period', 'weekly', '--from', '2025-01-01', '--to', '2025-01-07'],
      /--period cannot be combined with --from\/--to/,
    ],
    [['--from', '2025-01-01'], /--from and --to go together/],
    [['--from', '2023-02-29', '--to', '2023-03-01'], /--from: "2023-02-29" is not a calendar date/],
    [['--from', '2025-02-01', '--to', '2025-01-01'], /--from 2025-02-01 is after --to 2025-01-01/],
    [['--period', 'daily'], /--period "daily": use weekly, monthly or quarterly/],
    [[], /choose a period/],
    [['--period', 'weekly', '--tz', 'Mars/Olympus'], /--tz: unknown time zone "Mars\/Olympus"/],
    [
      ['--period', 'weekly', '--engine', 'athena'],
      /with --engine athena, say where reports go: --out s3:\/\//,
    ],
    [['--period', 'weekly', '--top', '0'], /--top: "0" is not a whole number from 1 to 1000/],
  ])('rejects %j with a clear message', async (args, message) => {
    const { code, errors } = await cli([...args, '--lake', lake]);
    expect(code).toBe(1);
    expect(errors).toMatch(message);
  });
});
