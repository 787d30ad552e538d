/**
 * End-to-end latency, from nginx writing a line to the object holding it being visible in the lake.
 * Both ends are read from the same clock and need no instrumentation of the path in between:
 * - the write: the record's `ts`, which the JSON format takes from `$msec`, the time nginx logged the
 *   request, with millisecond precision;
 * - the arrival: the lake object's change time, set by the file driver's final rename(2) (ext4 keeps
 *   it with ~4 ms granularity).
 * Every record counts, so the distribution includes the wait for the 1 s batch age.
 */
import { gunzipSync } from 'node:zlib';
import type { LakeReader } from '../../harness/index.ts';

export interface LatencySummary {
  records: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export async function lakeLatency(lake: LakeReader): Promise<LatencySummary> {
  const samples: number[] = [];
  for (const o of await lake.list('access_logs/')) {
    if (!o.key.endsWith('.jsonl.gz')) continue;
    const text = gunzipSync(await lake.read(o.key)).toString('utf8');
    // Each line starts {"ts":"…"}: read the ts without parsing the whole record.
    for (const m of text.matchAll(/^\{"ts":"([^"]+)"/gm)) samples.push(o.storedAtMs - Date.parse(m[1]!));
  }
  const sorted = Float64Array.from(samples).sort();
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  return {
    records: sorted.length,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Requests at a steady pace from this process, for the light-load latency run; bounded by `seconds`. */
export async function paceRequests(url: string, perSecond: number, seconds: number): Promise<number> {
  const total = Math.round(perSecond * seconds);
  const start = performance.now();
  let sent = 0;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const res = await fetch(`${url}?lat=${i}`);
    await res.arrayBuffer();
    sent++;
  }
  return sent;
}
