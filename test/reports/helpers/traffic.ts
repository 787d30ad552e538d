/**
 * Test traffic for the report suites: deterministic records, a lake written by the REAL ingest app
 * (`createIngestApp` + file storage, batches posted through `app.request`), and the report's figures
 * computed independently from the records, in plain TypeScript, to check the SQL against.
 */
import { gzipSync } from 'node:zlib';
import { createIngestApp } from '../../../ingest/app.ts';
import { createStorage } from '../../../storage/index.ts';

export interface TrafficRecord {
  ts: string;
  remote_addr: string;
  method: string;
  path: string;
  protocol: string;
  status: number;
  bytes_sent: number;
  request_time: number | null;
  user_agent: string | null;
  referer: string | null;
}

const TOKEN = 'report-test-token-01';
const PATHS = [
  '/',
  '/index.html',
  '/api/items',
  '/api/items?page=2',
  '/api/orders?id=7',
  '/login',
  '/static/app.js',
  '/broken',
];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  'curl/8.5.0',
  'Go-http-client/1.1',
  'bot "quoted", with commas',
  null,
];
const CLIENTS = ['203.0.113.9', '198.51.100.23', '192.0.2.44', '2001:db8::1', '203.0.113.77', '10.1.2.3'];
const STATUSES = [200, 200, 200, 200, 201, 204, 301, 304, 400, 404, 404, 429, 500, 502, 503];

/**
 * `count` records spread evenly over `[fromIso, toIso)`, with a seeded generator so every run (and every
 * engine) sees the same traffic. `/broken` always fails, so it tops the hot spots.
 */
export function generateRecords(count: number, fromIso: string, toIso: string, seed = 42): TrafficRecord[] {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const from = Date.parse(fromIso);
  const span = Date.parse(toIso) - from;
  const records: TrafficRecord[] = [];
  for (let i = 0; i < count; i++) {
    const path = pick(PATHS);
    records.push({
      ts: new Date(from + Math.floor((i / count) * span) + Math.floor(next() * 1000)).toISOString(),
      remote_addr: pick(CLIENTS),
      method: next() < 0.8 ? 'GET' : 'POST',
      path,
      protocol: 'HTTP/1.1',
      status: path === '/broken' ? (next() < 0.5 ? 500 : 404) : pick(STATUSES),
      bytes_sent: Math.floor(next() * 50_000),
      // Milliseconds, as nginx logs $request_time; some requests log none.
      request_time: next() < 0.1 ? null : Math.round(next() * 2000) / 1000,
      user_agent: pick(AGENTS),
      referer: null,
    });
  }
  return records;
}

/** Writes `records` into a lake folder through the real ingest app, in batches of `batchSize`. */
export async function writeLake(
  dir: string,
  records: readonly TrafficRecord[],
  batchSize = 500,
): Promise<void> {
  const storage = await createStorage(dir);
  const app = createIngestApp({ tokens: [TOKEN], storage });
  for (let i = 0; i < records.length; i += batchSize) {
    const lines = records
      .slice(i, i + batchSize)
      .map((r) => JSON.stringify({ ...r, user_agent: r.user_agent ?? '-' }));
    const response = await app.request('/v1/batches', {
      method: 'POST',
      body: new Uint8Array(gzipSync(`${lines.join('\n')}\n`)),
      headers: {
        Authorization: `Bearer ${TOKEN}`,
        'Content-Encoding': 'gzip',
        'Idempotency-Key': `report-batch-${String(i).padStart(6, '0')}`,
        'X-Source': 'web-1',
        'X-Log-Format': 'json',
      },
    });
    const answer = (await response.json()) as { accepted?: number; rejected?: number; error?: string };
    if (response.status !== 200 || answer.rejected !== 0) {
      throw new Error(`ingest refused a test batch: ${response.status} ${JSON.stringify(answer)}`);
    }
  }
}

export interface Figures {
  requests: number;
  bytesSent: number;
  clientErrors: number;
  serverErrors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * The report's figures for a set of records. Percentiles are nearest-rank (the value at rank
 * ⌈n·p⌉), which is what DuckDB's quantile_disc computes for the query layer's approx_percentile.
 */
export function figures(records: readonly TrafficRecord[]): Figures {
  const times = records
    .map((r) => r.request_time)
    .filter((t): t is number => t !== null)
    .sort((a, b) => a - b);
  const rank = (p: number) => (times.length ? times[Math.ceil(times.length * p) - 1]! : null);
  return {
    requests: records.length,
    bytesSent: records.reduce((sum, r) => sum + r.bytes_sent, 0),
    clientErrors: records.filter((r) => r.status >= 400 && r.status < 500).length,
    serverErrors: records.filter((r) => r.status >= 500).length,
    p50: rank(0.5),
    p95: rank(0.95),
    p99: rank(0.99),
  };
}

/** Groups records by `keyOf`, each group with its figures, as a map. */
export function groupFigures(
  records: readonly TrafficRecord[],
  keyOf: (r: TrafficRecord) => string,
): Map<string, Figures> {
  const groups = new Map<string, TrafficRecord[]>();
  for (const r of records) {
    const key = keyOf(r);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return new Map([...groups].map(([key, list]) => [key, figures(list)]));
}

/** Records with `fromTs <= ts < toTs`. */
export function inRange(records: readonly TrafficRecord[], fromTs: string, toTs: string): TrafficRecord[] {
  return records.filter((r) => r.ts >= fromTs && r.ts < toTs);
}
