/**
 * A lake written by the real ingest (Hono app → file storage) from generated nginx JSON lines, and the
 * canonical records those lines should become, so tests compute expected figures independently.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createIngestApp } from '../../ingest/app.ts';
import { createStorage } from '../../storage/index.ts';

export interface GeneratedRecord {
  ts: string;
  remote_addr: string;
  /** null: a request nginx logged but could not parse (docs/record.md). */
  method: string | null;
  path: string | null;
  status: number;
  bytes_sent: number;
  request_time: number | null;
  user_agent: string | null;
}

const TOKEN = 'query-test-token';
const PATHS = [
  '/',
  '/index.html',
  '/api/items',
  '/api/items?page=2',
  '/api/items?page=3',
  '/login',
  '/static/app.js',
];
const STATUSES = [200, 200, 200, 200, 201, 204, 301, 304, 400, 404, 404, 429, 500, 502, 503];
const AGENTS = [
  'curl/8.5.0',
  'Mozilla/5.0 (X11; Linux x86_64)',
  'Googlebot/2.1',
  'python-requests/2.31',
  null,
];

/** Deterministic records from `start`, one every `stepSeconds`, spanning several hours. */
export function generateRecords(count: number, start: string, stepSeconds: number): GeneratedRecord[] {
  let seed = 42;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const startMs = Date.parse(start);
  return Array.from({ length: count }, (_, i) => ({
    ts: new Date(startMs + i * stepSeconds * 1000).toISOString(),
    remote_addr: `198.51.100.${1 + next(12)}`,
    method: next(5) === 0 ? 'POST' : 'GET',
    path: PATHS[next(PATHS.length)]!,
    status: STATUSES[next(STATUSES.length)]!,
    bytes_sent: next(50_000),
    // Millisecond-resolution latencies, some missing, as nginx logs them.
    request_time: next(8) === 0 ? null : next(3000) / 1000,
    user_agent: AGENTS[next(AGENTS.length)]!,
  })).map((r, i) =>
    // Every 50th: a request nginx could not parse (400, no method or path); every 97th: status 000.
    i % 50 === 7 ? { ...r, method: null, path: null, status: 400 } : i % 97 === 5 ? { ...r, status: 0 } : r,
  );
}

/** The nginx `escape=json` line for a record: `$time_iso8601` with an offset, `-` for missing values. */
function nginxLine(r: GeneratedRecord): string {
  return JSON.stringify({
    ts: r.ts.replace('.000Z', '+00:00'),
    remote_addr: r.remote_addr,
    method: r.method,
    path: r.path,
    protocol: 'HTTP/1.1',
    status: r.status,
    bytes_sent: r.bytes_sent,
    request_time: r.request_time === null ? '-' : r.request_time,
    user_agent: r.user_agent ?? '-',
    referer: '-',
    host: 'example.test',
  });
}

/** Posts the records through the real ingest app into a fresh folder, in batches; returns the folder. */
export async function writeLakeWithIngest(
  records: GeneratedRecord[],
  options: { batchSize?: number; dir?: string } = {},
): Promise<string> {
  const dir = options.dir ?? (await makeTempDir());
  const batchSize = options.batchSize ?? 250;
  const app = createIngestApp({ tokens: [TOKEN], storage: await createStorage(dir) });
  for (let i = 0; i < records.length; i += batchSize) {
    const body = gzipSync(
      `${records
        .slice(i, i + batchSize)
        .map(nginxLine)
        .join('\n')}\n`,
    );
    const res = await app.request('/v1/batches', {
      method: 'POST',
      body: new Uint8Array(body),
      headers: {
        Authorization: `Bearer ${TOKEN}`,
        'Content-Encoding': 'gzip',
        'Idempotency-Key': `query-batch-${String(i).padStart(6, '0')}`,
        'X-Source': 'web-1',
        'X-Log-Format': 'json',
      },
    });
    if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    const answer = (await res.json()) as { accepted: number; rejected: number };
    if (answer.rejected !== 0) throw new Error(`ingest rejected ${answer.rejected} generated lines`);
  }
  return dir;
}

export const makeTempDir = () => mkdtemp(join(tmpdir(), 'accesslake-query-'));
export const removeDir = (dir: string) => rm(dir, { recursive: true, force: true });
