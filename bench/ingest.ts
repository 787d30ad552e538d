/**
 * Ingest throughput (issue 2): 1M realistic JSON lines through parse + validate + partition + gzip + file
 * storage, side by side with a bare JSON.parse + gzip loop over the same lines, in the same run.
 * Target: ≥ 60% of the baseline's records per CPU-second.
 *
 *   npm run bench            (BENCH_LINES=200000 for a quicker run)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createIngestApp } from '../ingest/app.ts';
import { parseBatchLines } from '../ingest/batch/parse-lines.ts';
import { resolveLineParser } from '../ingest/formats/index.ts';
import { DEFAULT_PREFIXES } from '../ingest/lake/layout.ts';
import { writeBatch } from '../ingest/lake/write-batch.ts';
import { createFileStorage } from '../ingest/storage/drivers/file.ts';
import { fflateCodec } from '../lib/gzip/index.ts';
import { nodeZlibCodec } from '../lib/gzip/node-zlib.ts';
import { generateLines } from './lib/lines.ts';
import { formatRate, measure, printTable } from './lib/measure.ts';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const BATCH_LINES = 10_000;
const encoder = new TextEncoder();

function batchesOf(lines: string[]): string[] {
  const batches: string[] = [];
  for (let i = 0; i < lines.length; i += BATCH_LINES)
    batches.push(`${lines.slice(i, i + BATCH_LINES).join('\n')}\n`);
  return batches;
}

export async function benchIngest(): Promise<void> {
  console.log(
    `\n## ingest: ${LINES.toLocaleString('en-US')} JSON lines, batches of ${BATCH_LINES.toLocaleString('en-US')}\n`,
  );
  const lines = generateLines(LINES, 'json');
  const batches = batchesOf(lines);
  const megabytes = batches.reduce((sum, b) => sum + b.length, 0) / 1e6;
  const dir = await mkdtemp(join(tmpdir(), 'accesslake-bench-'));
  try {
    // Baseline: what any ingest must at least do — parse every line and gzip the batch at the same level.
    const baseline = await measure(async () => {
      for (const batch of batches) {
        for (const line of batch.split('\n')) if (line) JSON.parse(line);
        await nodeZlibCodec.gzip(encoder.encode(batch), 6);
      }
    });

    const parser = resolveLineParser('json');
    const storage = createFileStorage(join(dir, 'core'));
    let accepted = 0;
    const core = await measure(async () => {
      let n = 0;
      for (const batch of batches) {
        const parsed = parseBatchLines(batch, parser, 'bench');
        accepted += parsed.accepted.length;
        await writeBatch(
          { batchId: `bench-core-${n++}`, source: 'bench', format: 'json', ...parsed },
          { storage, gzip: nodeZlibCodec, prefixes: DEFAULT_PREFIXES },
        );
      }
    });
    if (accepted !== LINES) throw new Error(`expected ${LINES} accepted records, got ${accepted}`);

    // The whole HTTP path too: auth, gunzip of the request body, parse, write, answer.
    const app = createIngestApp({ tokens: ['bench-token-1'], storage: createFileStorage(join(dir, 'http')) });
    const bodies = batches.map((b) => new Uint8Array(gzipSync(b, { level: 1 })));
    const http = await measure(async () => {
      let n = 0;
      for (const body of bodies) {
        const res = await app.request('/v1/batches', {
          method: 'POST',
          body,
          headers: {
            Authorization: 'Bearer bench-token-1',
            'Content-Encoding': 'gzip',
            'Idempotency-Key': `bench-http-${n++}`,
          },
        });
        if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
      }
    });

    const perCpu = (m: { cpuSeconds: number }) => LINES / m.cpuSeconds;
    printTable(
      ['pipeline', 'records/s (wall)', 'records/CPU-s', 'MB/s (wall)', 'vs baseline (per CPU-s)'],
      [
        [
          'baseline: JSON.parse + gzip -6',
          formatRate(LINES / baseline.wallSeconds, ''),
          formatRate(perCpu(baseline), ''),
          (megabytes / baseline.wallSeconds).toFixed(1),
          '100%',
        ],
        [
          'ingest core: parse, validate, partition, gzip -6, file storage',
          formatRate(LINES / core.wallSeconds, ''),
          formatRate(perCpu(core), ''),
          (megabytes / core.wallSeconds).toFixed(1),
          `${Math.round((100 * perCpu(core)) / perCpu(baseline))}% (target ≥ 60%)`,
        ],
        [
          'ingest HTTP: + auth, gunzip body, answer',
          formatRate(LINES / http.wallSeconds, ''),
          formatRate(perCpu(http), ''),
          (megabytes / http.wallSeconds).toFixed(1),
          `${Math.round((100 * perCpu(http)) / perCpu(baseline))}%`,
        ],
      ],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The shared gzip module's two backends on the same data (issue 2: "the bench reports both"). */
export async function benchGzip(): Promise<void> {
  const text = encoder.encode(`${generateLines(200_000, 'json').join('\n')}\n`);
  const mb = text.length / 1e6;
  console.log(`\n## gzip module: ${mb.toFixed(0)} MB of JSON lines\n`);
  const rows: (string | number)[][] = [];
  for (const codec of [nodeZlibCodec, fflateCodec]) {
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
