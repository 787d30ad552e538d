/**
 * Ingest records/s as a real process over HTTP, and what a record costs in the lake: realistic lines
 * from the project's traffic generator (varied paths, user agents, addresses, statuses; wrk's identical
 * lines would compress ~200× and say nothing), cut into gzipped batches of 10,000 lines, posted two at a
 * time with the wire protocol's headers, against a file lake. Bounded by the lines and by `maxSeconds`.
 */
import { gzipSync } from 'node:zlib';
import { fileLake } from '../../harness/index.ts';
import { startCpuWindow } from './proc-stats.ts';

export interface IngestThroughput {
  records: number;
  seconds: number;
  recordsPerSecond: number;
  ingestCpuPercent: number;
  ingestPeakRssBytes: number;
  /** Bytes of the posted lines (with newlines) and of the data objects the lake holds for them. */
  lineBytes: number;
  lakeBytes: number;
}

export async function measureIngestThroughput(options: {
  url: string;
  token: string;
  ingestPid: number;
  /** The ingest's `--lake` folder. */
  lakeDir: string;
  lines: string[];
  format: string;
  maxSeconds: number;
}): Promise<IngestThroughput> {
  const { lines } = options;
  const batchLines = 10_000;
  const batches: Uint8Array[] = [];
  for (let i = 0; i < lines.length; i += batchLines) {
    batches.push(gzipSync(`${lines.slice(i, i + batchLines).join('\n')}\n`, { level: 6 }));
  }
  const window = startCpuWindow(options.ingestPid);
  const started = performance.now();
  const deadline = started + options.maxSeconds * 1000;
  let next = 0;
  let records = 0;
  const worker = async () => {
    while (next < batches.length && performance.now() < deadline) {
      const n = next++;
      const res = await fetch(`${options.url}/v1/batches`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.token}`,
          'content-encoding': 'gzip',
          'idempotency-key': `bench-ingest-${n}-${Date.now()}`,
          'x-log-format': options.format,
          'x-source': 'bench',
        },
        body: batches[n] as Uint8Array<ArrayBuffer>,
      });
      const answer = (await res.json()) as { accepted?: number; error?: string };
      if (!res.ok) throw new Error(`ingest answered ${res.status}: ${answer.error}`);
      records += answer.accepted ?? 0;
    }
  };
  await Promise.all([worker(), worker()]);
  const seconds = (performance.now() - started) / 1000;
  const cpu = window.end();
  let lineBytes = 0;
  for (let i = 0; i < Math.min(lines.length, next * batchLines); i++)
    lineBytes += Buffer.byteLength(lines[i]!) + 1;
  const lake = await fileLake(options.lakeDir).count();
  return {
    lineBytes,
    lakeBytes: lake.bytes,
    records,
    seconds,
    recordsPerSecond: records / seconds,
    ingestCpuPercent: cpu.cpuPercent,
    ingestPeakRssBytes: cpu.peakRssBytes,
  };
}
