/**
 * `npm run bench:query`: every named query on DuckDB over a lake written by the real ingest, for a
 * last-hour range and a 24-hour range (best of BENCH_QUERY_RUNS), next to the lake objects and bytes
 * each range reads (query/read-stats.ts, the figure the dashboard shows), to show the partition
 * predicate at work. Lines come from the traffic generator, spread
 * over 24 hours. Env: BENCH_QUERY_LINES (default 240000), BENCH_QUERY_RUNS (default 3).
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { compileLogFormat, createGenerator, KNOWN_VARIABLES } from '../gen/index.ts';
import { createIngestApp } from '../ingest/index.ts';
import { formatBytes } from '../lib/bytes/index.ts';
import { createDuckDbEngine } from '../query/duckdb.ts';
import { NAMED_QUERIES, type ReadStats, renderNamedQuery, type TimeRange } from '../query/index.ts';
import { createStorage } from '../storage/index.ts';
import { measure, printTable } from './lib/measure.ts';

const LINES = Number(process.env.BENCH_QUERY_LINES ?? 240_000);
const RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 3);
const START = Date.parse('2025-01-10T00:00:00Z');
const DAY = 24 * 3_600_000;
const BATCH = 10_000;

const dir = await mkdtemp(join(tmpdir(), 'accesslake-bench-query-'));
try {
  const generator = createGenerator({ seed: 7, rate: LINES / (DAY / 1000), start: START });
  const format = compileLogFormat('json', KNOWN_VARIABLES);
  const app = createIngestApp({ tokens: ['bench-query-token'], storage: await createStorage(dir) });
  const written = await measure(async () => {
    for (let i = 0; i < LINES; i += BATCH) {
      const lines = Array.from({ length: Math.min(BATCH, LINES - i) }, () =>
        generator.render(generator.next(), format),
      );
      const res = await app.request('/v1/batches', {
        method: 'POST',
        body: new Uint8Array(gzipSync(`${lines.join('\n')}\n`)),
        headers: {
          Authorization: 'Bearer bench-query-token',
          'Content-Encoding': 'gzip',
          'Idempotency-Key': `bench-query-${i}`,
          'X-Source': 'bench',
        },
      });
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    }
  });
  const engine = await createDuckDbEngine({ lake: dir });
  const count = async (sql: string) => Number((await engine.query(sql)).rows[0]?.n ?? 0);
  const rows = await count('SELECT count(*) AS n FROM access_logs');
  const objects = await count(`SELECT count(*) AS n FROM glob('${dir}/access_logs/**/*.jsonl.gz')`);
  console.log(
    `# DuckDB named queries — ${rows.toLocaleString('en-US')} requests over 24 h in ${objects} objects (written by ingest in ${written.wallSeconds.toFixed(1)} s), node ${process.version}`,
  );

  const ranges: Record<string, TimeRange> = {
    '1 h': { from: new Date(START + 12 * 3_600_000), to: new Date(START + 13 * 3_600_000) },
    '24 h': { from: new Date(START), to: new Date(START + DAY) },
  };
  const table: string[][] = [];
  for (const name of NAMED_QUERIES) {
    const cells: string[] = [name];
    for (const range of Object.values(ranges)) {
      const sql = await renderNamedQuery(name, range);
      let best = Number.POSITIVE_INFINITY;
      let read: ReadStats | undefined;
      for (let run = 0; run < RUNS; run++) {
        const timed = await measure(async () => {
          read = (await engine.query(sql)).read;
        });
        best = Math.min(best, timed.wallSeconds);
      }
      const what = read ? `${read.objects} objects, ${formatBytes(read.bytes)}` : '?';
      cells.push(`${(best * 1000).toFixed(0)} ms (${what})`);
    }
    table.push(cells);
  }
  printTable(['query', ...Object.keys(ranges)], table);
  await engine.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
