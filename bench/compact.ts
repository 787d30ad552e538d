/**
 * `npm run bench:compact`: what compaction buys. Two generated lakes, laid out as the ingest writes
 * them: 24 hours of 20 hosts × 120 objects an hour × 40 records (57,600 objects, 2.3M records), and 7
 * days at a quarter of that rate (5 hosts). For each named query over the last 1 hour, 24 hours and
 * (7-day lake) 7 days: objects and bytes read (query/read-stats.ts), query time and the estimated Athena
 * cost, before and after `compact`, in one run; plus compaction's own time and peak memory (in a child
 * process). Sizes: BENCH_COMPACT_HOSTS (20), BENCH_COMPACT_OBJECTS_PER_HOUR (120),
 * BENCH_COMPACT_RECORDS_PER_OBJECT (40), BENCH_COMPACT_WEEK=0 skips the 7-day lake,
 * BENCH_COMPACT_QUERIES (comma-separated names, default all).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDuckDbEngine } from '../query/duckdb.ts';
import {
  estimatedAthenaUsd,
  hourKey,
  NAMED_QUERIES,
  type NamedQueryName,
  renderNamedQuery,
  type TimeRange,
} from '../query/index.ts';
import { type GenLakeShape, writeGenLake } from './compact-lake.ts';
import { printTable } from './lib/measure.ts';

const HOSTS = Number(process.env.BENCH_COMPACT_HOSTS ?? 20);
const PER_HOUR = Number(process.env.BENCH_COMPACT_OBJECTS_PER_HOUR ?? 120);
const PER_OBJECT = Number(process.env.BENCH_COMPACT_RECORDS_PER_OBJECT ?? 40);
const WEEK = process.env.BENCH_COMPACT_WEEK !== '0';
const QUERIES = (process.env.BENCH_COMPACT_QUERIES?.split(',') ?? NAMED_QUERIES) as NamedQueryName[];
const END = Date.parse('2025-01-11T00:00:00Z');
const HOUR = 3_600_000;

interface Lake {
  name: string;
  shape: GenLakeShape;
  ranges: Record<string, TimeRange>;
}

const lakes: Lake[] = [
  {
    name: '24 h',
    shape: {
      hosts: HOSTS,
      objectsPerHour: PER_HOUR,
      recordsPerObject: PER_OBJECT,
      hours: 24,
      start: END - 24 * HOUR,
    },
    ranges: { '1 h': last(1), '24 h': last(24) },
  },
];
if (WEEK) {
  lakes.push({
    name: '7 d',
    shape: {
      hosts: Math.max(1, Math.round(HOSTS / 4)),
      objectsPerHour: PER_HOUR,
      recordsPerObject: PER_OBJECT,
      hours: 168,
      start: END - 168 * HOUR,
    },
    ranges: { '1 h': last(1), '24 h': last(24), '7 d': last(168) },
  });
}

function last(hours: number): TimeRange {
  return { from: new Date(END - hours * HOUR), to: new Date(END) };
}

interface Measured {
  objects: number;
  bytes: number;
  ms: number;
  usd: number;
}

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
const usd = (v: number) => `$${v.toFixed(6)}`;
const times = (a: number, b: number) => (b === 0 ? '∞' : `${(a / b).toFixed(0)}×`);

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const benchStart = performance.now();
console.log(
  `# bench:compact — ${HOSTS} hosts × ${PER_HOUR} objects/h × ${PER_OBJECT} records; ${new Date().toISOString()}; node ${process.version}; ${cpus().length} CPUs, load average ${load()}`,
);
for (const lake of lakes) {
  const dir = await mkdtemp(join(tmpdir(), 'accesslake-bench-compact-'));
  try {
    const genStart = performance.now();
    const made = await writeGenLake(dir, lake.shape);
    console.log(
      `\n## ${lake.name} lake: ${made.objects.toLocaleString('en-US')} objects, ${made.records.toLocaleString('en-US')} records, ${mib(made.bytes)} gzipped JSON (generated in ${((performance.now() - genStart) / 1000).toFixed(1)} s)`,
    );
    const before = await runQueries(dir, lake);
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'compact-child.ts'), dir, new Date(END).toISOString()],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    const c = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
    console.log(
      `compaction: ${c.hours} hours, ${c.objectsIn!.toLocaleString('en-US')} objects → ${c.hours} Parquet objects, ${c.rows!.toLocaleString('en-US')} rows, ${mib(c.bytesIn!)} → ${mib(c.bytesOut!)}, ${c.wallSeconds!.toFixed(1)} s, peak RSS ${c.maxRssMiB!.toFixed(0)} MiB`,
    );
    const after = await runQueries(dir, lake);
    const rows: string[][] = [];
    for (const [key, b] of before) {
      const a = after.get(key)!;
      const [query, range] = key.split('@');
      rows.push([
        query!,
        range!,
        b.objects.toLocaleString('en-US'),
        a.objects.toLocaleString('en-US'),
        times(b.objects, a.objects),
        mib(b.bytes),
        mib(a.bytes),
        times(b.bytes, a.bytes),
        `${b.ms.toFixed(0)} ms`,
        `${a.ms.toFixed(0)} ms`,
        usd(b.usd),
        usd(a.usd),
      ]);
    }
    printTable(
      [
        'query',
        'range',
        'objects before',
        'after',
        'fewer',
        'bytes before',
        'after',
        'fewer',
        'time before',
        'after',
        'est. Athena before',
        'after',
      ],
      rows,
    );
    console.log(`(load average ${load()})`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
console.log(`\ntotal ${((performance.now() - benchStart) / 1000).toFixed(0)} s`);

async function runQueries(dir: string, lake: Lake): Promise<Map<string, Measured>> {
  const results = new Map<string, Measured>();
  const engine = await createDuckDbEngine({ lake: dir });
  try {
    for (const [rangeName, range] of Object.entries(lake.ranges)) {
      const hours = { from: hourKey(range.from), to: hourKey(new Date(range.to.getTime() - 1)) };
      for (const name of QUERIES) {
        const sql = await renderNamedQuery(name, range);
        const started = performance.now();
        const result = await engine.query(sql, { hours });
        const ms = performance.now() - started;
        const read = result.read!;
        results.set(`${name}@${rangeName}`, {
          objects: read.objects,
          bytes: read.bytes,
          ms,
          usd: estimatedAthenaUsd(read),
        });
      }
    }
  } finally {
    await engine.close();
  }
  return results;
}
