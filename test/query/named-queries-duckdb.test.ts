import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbEngine } from '../../query/duckdb.ts';
import {
  loadNamedQuery,
  NAMED_QUERIES,
  type QueryEngine,
  renderNamedQuery,
  renderRelativeTemplate,
  type TimeRange,
} from '../../query/index.ts';
import {
  type GeneratedRecord,
  generateRecords,
  makeTempDir,
  removeDir,
  writeLakeWithIngest,
} from './fixtures.ts';

// 1,500 requests, one every 9 s from 12:30 to 16:15 UTC: four hour partitions and then some.
const records = generateRecords(1500, '2025-01-10T12:30:00.000Z', 9);
const RANGES: Record<string, TimeRange> = {
  'two whole hours': { from: new Date('2025-01-10T13:00:00Z'), to: new Date('2025-01-10T15:00:00Z') },
  'a range that cuts hours': { from: new Date('2025-01-10T13:20:00Z'), to: new Date('2025-01-10T14:40:30Z') },
};

let lake: string;
let engine: QueryEngine;

beforeAll(async () => {
  lake = await writeLakeWithIngest(records);
  engine = await createDuckDbEngine({ lake });
});
afterAll(async () => {
  await engine?.close();
  if (lake) await removeDir(lake);
});

const within = (range: TimeRange) =>
  records.filter((r) => r.ts >= range.from.toISOString() && r.ts < range.to.toISOString());
const minuteOf = (r: GeneratedRecord) => `${r.ts.slice(0, 16)}:00Z`;
const pathOf = (r: GeneratedRecord) => (r.path === null ? '(no request)' : r.path.split('?')[0]!);
const countBy = <K>(rows: GeneratedRecord[], key: (r: GeneratedRecord) => K) => {
  const groups = new Map<K, GeneratedRecord[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return groups;
};
/** Nearest rank: the smallest value with at least a share p of the values at or below it. */
const percentile = (values: number[], p: number) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  // n - floor(n - n·p) is ceil(n·p) without the float error of e.g. 20 × 0.95 = 18.999…
  return sorted[Math.max(1, n - Math.floor(n - n * p)) - 1]!;
};
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const byCountThenKey =
  <T extends { requests: number }>(key: (t: T) => string) =>
  (a: T, b: T) =>
    b.requests - a.requests || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

describe.each(Object.entries(RANGES))(
  'named queries on DuckDB over a lake written by ingest: %s',
  (_label, range) => {
    const run = async (name: (typeof NAMED_QUERIES)[number]) =>
      (await engine.query(await renderNamedQuery(name, range))).rows;
    const rows = within(range);

    it('has data in the range, and data outside it that must not count', () => {
      expect(rows.length).toBeGreaterThan(100);
      expect(records.length - rows.length).toBeGreaterThan(100);
    });

    it('status-classes counts requests per minute and status class', async () => {
      const expected = [...countBy(rows, (r) => `${minuteOf(r)}|${String(r.status).padStart(3, '0')[0]}xx`)]
        .map(([key, group]) => {
          const [minute = '', status_class = ''] = key.split('|');
          return { minute, status_class, requests: group.length };
        })
        .sort((a, b) => (a.minute + a.status_class < b.minute + b.status_class ? -1 : 1));
      expect(await run('status-classes')).toEqual(expected);
    });

    it('error-rate gives requests, 4xx, 5xx and the 5xx share per minute', async () => {
      const expected = [...countBy(rows, minuteOf)]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([minute, group]) => {
          const server = group.filter((r) => r.status >= 500).length;
          return {
            minute,
            requests: group.length,
            client_errors: group.filter((r) => r.status >= 400 && r.status < 500).length,
            server_errors: server,
            error_rate: Math.round((server / group.length) * 1e4) / 1e4,
          };
        });
      const actual = await run('error-rate');
      expect(actual.map((r) => ({ ...r, error_rate: Number(r.error_rate) }))).toEqual(expected);
    });

    it('latency-percentiles gives p50/p95/p99 of request_time per minute', async () => {
      const timed = rows.filter((r) => r.request_time !== null);
      const expected = [...countBy(timed, minuteOf)]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([minute, group]) => {
          const times = group.map((r) => r.request_time!);
          return {
            minute,
            requests: group.length,
            p50: percentile(times, 0.5),
            p95: percentile(times, 0.95),
            p99: percentile(times, 0.99),
          };
        });
      expect(await run('latency-percentiles')).toEqual(expected);
    });

    it('top-paths ranks paths without their query string', async () => {
      const expected = [...countBy(rows, pathOf)]
        .map(([path, group]) => ({
          path,
          requests: group.length,
          server_errors: group.filter((r) => r.status >= 500).length,
          bytes_sent: sum(group.map((r) => r.bytes_sent)),
          p95: percentile(
            group.flatMap((r) => (r.request_time === null ? [] : [r.request_time])),
            0.95,
          ),
        }))
        .sort(byCountThenKey((t) => t.path))
        .slice(0, 20);
      const actual = await run('top-paths');
      expect(actual).toEqual(expected);
      expect(actual.map((r) => r.path)).toContain('/api/items');
    });

    it('slow-requests lists the 50 slowest, slowest first', async () => {
      const expected = rows
        .filter((r) => r.request_time !== null)
        .sort((a, b) => b.request_time! - a.request_time! || (a.ts < b.ts ? 1 : a.ts > b.ts ? -1 : 0))
        .slice(0, 50)
        .map((r) => ({ ts: r.ts, path: r.path, request_time: r.request_time, status: r.status }));
      const actual = await run('slow-requests');
      expect(
        actual.map((r) => ({ ts: r.ts, path: r.path, request_time: r.request_time, status: r.status })),
      ).toEqual(expected);
      expect(actual[0]).toMatchObject({ method: expect.any(String), host: 'example.test', source: 'web-1' });
    });

    it('top-clients ranks addresses with errors, bytes and distinct paths', async () => {
      const expected = [...countBy(rows, (r) => r.remote_addr)]
        .map(([remote_addr, group]) => ({
          remote_addr,
          requests: group.length,
          errors: group.filter((r) => r.status >= 400).length,
          bytes_sent: sum(group.map((r) => r.bytes_sent)),
          distinct_paths: new Set(group.filter((r) => r.path !== null).map(pathOf)).size,
        }))
        .sort(byCountThenKey((t) => t.remote_addr))
        .slice(0, 20);
      expect(await run('top-clients')).toEqual(expected);
    });

    it('top-user-agents ranks agents, a missing one as (none)', async () => {
      const expected = [...countBy(rows, (r) => r.user_agent ?? '(none)')]
        .map(([user_agent, group]) => ({
          user_agent,
          requests: group.length,
          clients: new Set(group.map((r) => r.remote_addr)).size,
        }))
        .sort(byCountThenKey((t) => t.user_agent));
      const actual = await run('top-user-agents');
      expect(actual).toEqual(expected);
      expect(actual.map((r) => r.user_agent)).toContain('(none)');
    });

    it('bytes-served sums bytes per hour', async () => {
      const expected = [...countBy(rows, (r) => `${r.ts.slice(0, 13)}:00:00Z`)]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([hour_start, group]) => ({
          hour_start,
          requests: group.length,
          bytes_sent: sum(group.map((r) => r.bytes_sent)),
          avg_bytes: Math.round((sum(group.map((r) => r.bytes_sent)) / group.length) * 10) / 10,
        }));
      expect(await run('bytes-served')).toEqual(expected);
    });
  },
);

describe('the DuckDB engine', () => {
  it('reads only the hour partitions the predicate names', async () => {
    const sql = await renderNamedQuery('bytes-served', RANGES['two whole hours']!);
    const plan = JSON.stringify((await engine.query(`EXPLAIN ANALYZE ${sql}`)).rows);
    const files = async (pattern: string) =>
      (await engine.query(`SELECT count(*) AS n FROM glob('${lake}/access_logs/${pattern}')`)).rows[0]!.n;
    const all = await files('**/*.jsonl.gz');
    const wanted = await files('year=2025/month=01/day=10/hour=1[34]/*.jsonl.gz');
    expect(all).toBeGreaterThan(wanted as number);
    // DuckDB's hive-partition file filter keeps only the files of hours 13 and 14.
    expect(plan).toContain(`Total Files Read: ${wanted}`);
  });

  it('describes columns with Trino type names', async () => {
    const { columns } = await engine.query(
      'SELECT status, bytes_sent, request_time, ts, year, extra FROM access_logs LIMIT 1',
    );
    expect(columns.map((c) => c.type)).toEqual([
      'integer',
      'bigint',
      'double',
      'varchar',
      'varchar',
      'map(varchar, varchar)',
    ]);
  });

  it('runs the relative templates saved in Athena (last N hours) without error', async () => {
    for (const name of NAMED_QUERIES) {
      const { rows } = await engine.query(renderRelativeTemplate(await loadNamedQuery(name), 24));
      expect(rows).toEqual([]); // the data is from 2025, far outside the last day
    }
  });

  it('gives an empty view over a missing lake, then sees files once ingest writes them', async () => {
    const dir = `${await makeTempDir()}/lake`;
    const later = await createDuckDbEngine({ lake: dir });
    try {
      expect((await later.query('SELECT count(*) AS n FROM access_logs')).rows).toEqual([{ n: 0 }]);
      const sql = await renderNamedQuery('top-paths', RANGES['two whole hours']!);
      expect((await later.query(sql)).rows).toEqual([]);

      await writeLakeWithIngest(records.slice(0, 10), { dir });
      expect((await later.query('SELECT count(*) AS n FROM access_logs')).rows).toEqual([{ n: 10 }]);
    } finally {
      await later.close();
      await removeDir(dir.slice(0, -'/lake'.length));
    }
  });
});
