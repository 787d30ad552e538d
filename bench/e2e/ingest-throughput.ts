/**
 * Ingest records/s as a real process over HTTP: real nginx lines, cut into gzipped batches of 10,000
 * lines (about what the agent sends at this rate), posted two at a time with the wire protocol's headers,
 * against a file lake. Bounded by the number of lines and by `maxSeconds`.
 */
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { startCpuWindow } from './proc-stats.ts';

export interface IngestThroughput {
  records: number;
  seconds: number;
  recordsPerSecond: number;
  ingestCpuPercent: number;
  ingestPeakRssBytes: number;
}

export async function measureIngestThroughput(options: {
  url: string;
  token: string;
  ingestPid: number;
  logFile: string;
  format: string;
  maxLines: number;
  maxSeconds: number;
}): Promise<IngestThroughput> {
  const text = await readFile(options.logFile, 'utf8');
  const lines = text.split('\n', options.maxLines).filter((l) => l.length > 0);
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
  return {
    records,
    seconds,
    recordsPerSecond: records / seconds,
    ingestCpuPercent: cpu.cpuPercent,
    ingestPeakRssBytes: cpu.peakRssBytes,
  };
}
