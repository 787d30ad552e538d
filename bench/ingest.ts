/**
 * Ingest throughput (issue 2): 1M realistic JSON lines through parse + validate + partition + gzip + file
 * storage, side by side with a bare JSON.parse + gzip loop over the same lines, in the same run.
 * Target: ≥ 60% of the baseline's records per CPU-second.
 * The three pipelines run in turn for BENCH_ROUNDS rounds (default 3) and each row shows its median round,
 * so load from other processes on a shared machine skews the ratios less than the absolute figures; each
 * pass starts after and ends with a full garbage collection, so it is charged for its own garbage only.
 *
 *   npm run bench            (BENCH_LINES=200000 for a quicker run, BENCH_ROUNDS=1 for a single pass)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { resolveLineParser } from '../formats/index.ts';
import {
  arrayRejects,
  createIngestApp,
  HourlyJsonLines,
  type RejectedLine,
  readBatchLines,
  writeBatch,
} from '../ingest/index.ts';
import { DEFAULT_PREFIXES } from '../lake-contract/index.ts';
import { fflateCodec, loadGzipCodec } from '../lib/gzip/index.ts';
import { createStorage } from '../storage/index.ts';
import { generateLines } from './lib/lines.ts';
import { formatRate, type Measurement, measure, printTable } from './lib/measure.ts';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const BATCH_LINES = 10_000;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const encoder = new TextEncoder();

function batchesOf(lines: string[]): string[] {
  const batches: string[] = [];
  for (let i = 0; i < lines.length; i += BATCH_LINES)
    batches.push(`${lines.slice(i, i + BATCH_LINES).join('\n')}\n`);
  return batches;
}

export async function benchIngest(): Promise<void> {
  const nodeZlibCodec = await loadGzipCodec('node:zlib');
  console.log(
    `\n## ingest: ${LINES.toLocaleString('en-US')} JSON lines, batches of ${BATCH_LINES.toLocaleString('en-US')}\n`,
  );
  // The line array is not kept: its 1M strings would make every full collection slower.
  const batches = batchesOf(generateLines(LINES, 'json'));
  const megabytes = batches.reduce((sum, b) => sum + b.length, 0) / 1e6;
  const dir = await mkdtemp(join(tmpdir(), 'accesslake-bench-'));
  try {
    // Baseline: what any ingest must at least do — parse every line and gzip the batch at the same level.
    const baseline = async () => {
      for (const batch of batches) {
        for (const line of batch.split('\n')) if (line) JSON.parse(line);
        await nodeZlibCodec.gzip(encoder.encode(batch), 6);
      }
    };

    const parser = resolveLineParser('json');
    const storage = await createStorage(join(dir, 'core'));
    // Each round writes new batches: the same batch id again would be answered from its claim, unwritten.
    let coreRound = 0;
    let httpRound = 0;
    const core = async () => {
      let n = 0;
      coreRound++;
      let accepted = 0;
      for (const batch of batches) {
        const records = new HourlyJsonLines(batch.length);
        const rejected: RejectedLine[] = [];
        readBatchLines(batch, parser, 'bench', records, arrayRejects(rejected));
        accepted += records.count;
        await writeBatch(
          {
            batchId: `bench-core-${coreRound}-${n}`,
            source: 'bench',
            format: 'json',
            digest: `bench-${n++}`,
            accepted: records,
            rejected,
          },
          { storage, gzip: nodeZlibCodec, prefixes: DEFAULT_PREFIXES },
        );
      }
      if (accepted !== LINES) throw new Error(`expected ${LINES} accepted records, got ${accepted}`);
    };

    // The whole HTTP path too: auth, gunzip of the request body, decode, parse, write, answer.
    const app = createIngestApp({
      tokens: ['bench-token-1'],
      storage: await createStorage(join(dir, 'http')),
    });
    const bodies = batches.map((b) => new Uint8Array(gzipSync(b, { level: 1 })));
    const http = async () => {
      let n = 0;
      httpRound++;
      for (const body of bodies) {
        const res = await app.request('/v1/batches', {
          method: 'POST',
          body,
          headers: {
            Authorization: 'Bearer bench-token-1',
            'Content-Encoding': 'gzip',
            'Idempotency-Key': `bench-http-${httpRound}-${n++}`,
          },
        });
        if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
      }
    };

    const rounds: Record<'baseline' | 'core' | 'http', Measurement[]> = { baseline: [], core: [], http: [] };
    for (let round = 0; round < ROUNDS; round++) {
      rounds.baseline.push(await measureWithGc(baseline));
      rounds.core.push(await measureWithGc(core));
      rounds.http.push(await measureWithGc(http));
    }
    const base = median(rounds.baseline);
    const perCpu = (m: Measurement) => LINES / m.cpuSeconds;
    const row = (name: string, m: Measurement, versus: string) => [
      name,
      formatRate(LINES / m.wallSeconds, ''),
      formatRate(perCpu(m), ''),
      ((m.cpuSeconds * 1e6) / LINES).toFixed(1),
      (megabytes / m.wallSeconds).toFixed(1),
      versus,
    ];
    const versus = (m: Measurement) => `${Math.round((100 * perCpu(m)) / perCpu(base))}%`;
    console.log(`median of ${ROUNDS} round${ROUNDS === 1 ? '' : 's'}\n`);
    printTable(
      [
        'pipeline',
        'records/s (wall)',
        'records/CPU-s',
        'CPU-s per 1M lines',
        'MB/s (wall)',
        'vs baseline (per CPU-s)',
      ],
      [
        row('baseline: JSON.parse + gzip -6', base, '100%'),
        row(
          'ingest core: parse, validate, partition, gzip -6, file storage',
          median(rounds.core),
          `${versus(median(rounds.core))} (target ≥ 60%)`,
        ),
        row(
          'ingest HTTP: + auth, gunzip body, decode, answer',
          median(rounds.http),
          versus(median(rounds.http)),
        ),
      ],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Each pass starts from a collected heap and ends with a full collection inside its own measurement, so it
 * pays for its own garbage and not for what the previous pipeline left behind.
 */
async function measureWithGc(work: () => Promise<void>): Promise<Measurement> {
  collectGarbage();
  return measure(async () => {
    await work();
    collectGarbage();
  });
}

const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
})();

/** The round with the median CPU time. */
function median(measurements: Measurement[]): Measurement {
  const sorted = [...measurements].sort((a, b) => a.cpuSeconds - b.cpuSeconds);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The shared gzip module's two backends on the same data (issue 2: "the bench reports both"). */
export async function benchGzip(): Promise<void> {
  const text = encoder.encode(`${generateLines(200_000, 'json').join('\n')}\n`);
  const mb = text.length / 1e6;
  console.log(`\n## gzip module: ${mb.toFixed(0)} MB of JSON lines\n`);
  const rows: (string | number)[][] = [];
  for (const codec of [await loadGzipCodec('node:zlib'), fflateCodec]) {
    for (const level of [1, 6]) {
      let compressed: Uint8Array = new Uint8Array();
      const zip = await measure(async () => {
        compressed = await codec.gzip(text, level);
      });
      const unzip = await measure(async () => {
        await codec.gunzip(compressed, text.length);
      });
      rows.push([
        codec.name,
        level,
        (mb / zip.wallSeconds).toFixed(0),
        (mb / unzip.wallSeconds).toFixed(0),
        (text.length / compressed.length).toFixed(1),
      ]);
    }
  }
  printTable(['codec', 'level', 'gzip MB/s', 'gunzip MB/s', 'ratio'], rows);
}
