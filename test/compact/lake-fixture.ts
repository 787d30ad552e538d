/**
 * Lakes with known records for the compaction tests, written by the real ingest app (in process) to
 * any storage, and the exactness measure: the multiset of (ts, path, status, bytes_sent, source) the
 * `access_logs` view holds.
 */
import { createIngestApp } from '../../ingest/app.ts';
import type { QueryEngine } from '../../query/index.ts';
import type { ObjectStorage } from '../../storage/index.ts';
import { batchRequest, gzipLines, jsonLine, TOKEN } from '../support/batches.ts';

export interface KnownRecord {
  ts: string;
  path: string;
  status: number;
  bytes_sent: number;
  source: string;
}

/** Records spread over `hours` hours from `start`, `perHour` each, with distinct paths. */
export function recordsFor(start: string, hours: number, perHour: number, source = 'web-1'): KnownRecord[] {
  const out: KnownRecord[] = [];
  const t0 = Date.parse(start);
  for (let h = 0; h < hours; h++) {
    for (let i = 0; i < perHour; i++) {
      const ms = t0 + h * 3_600_000 + Math.floor((i * 3_600_000) / perHour);
      out.push({
        ts: new Date(ms).toISOString(),
        path: `/h${h}/r${i}?q=${i % 3}`,
        status: [200, 200, 304, 404, 500][i % 5]!,
        bytes_sent: 100 + i,
        source,
      });
    }
  }
  return out;
}

/** Sends `records` through the ingest in batches of `batchSize` lines (each batch one raw object per hour). */
export async function ingestRecords(
  storage: ObjectStorage,
  records: readonly KnownRecord[],
  options: { batchSize?: number; batchPrefix: string; rejects?: string[] },
): Promise<void> {
  const app = createIngestApp({ tokens: [TOKEN], storage });
  const size = options.batchSize ?? 50;
  const bySource = new Map<string, KnownRecord[]>();
  for (const r of records) {
    const list = bySource.get(r.source);
    if (list) list.push(r);
    else bySource.set(r.source, [r]);
  }
  let n = 0;
  for (const [source, list] of bySource) {
    for (let i = 0; i < list.length; i += size) {
      const lines = list
        .slice(i, i + size)
        .map((r) => jsonLine({ ts: r.ts, path: r.path, status: r.status, bytes_sent: r.bytes_sent }));
      await post(app, lines, `${options.batchPrefix}-${String(n++).padStart(4, '0')}`, source);
    }
  }
  if (options.rejects?.length) await post(app, options.rejects, `${options.batchPrefix}-rejects`, 'web-1');
}

async function post(app: ReturnType<typeof createIngestApp>, lines: string[], key: string, source: string) {
  const res = await app.request(
    '/v1/batches',
    batchRequest(gzipLines(lines), { 'Idempotency-Key': key, 'X-Source': source }),
  );
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
}

/** The records as the exactness measure's strings, sorted (a multiset). */
export function expectedMultiset(records: readonly KnownRecord[]): string[] {
  return records.map((r) => [r.ts, r.path, r.status, r.bytes_sent, r.source].join('|')).sort();
}

/** What the view holds, as the same sorted strings. */
export async function viewMultiset(
  engine: QueryEngine,
  hours?: { from: string; to: string },
): Promise<string[]> {
  const { rows } = await engine.query(
    'SELECT ts, path, status, bytes_sent, source FROM access_logs',
    hours ? { hours } : {},
  );
  return rows.map((r) => [r.ts, r.path, r.status, r.bytes_sent, r.source].join('|')).sort();
}

/** The members of multiset `part` (sorted strings) that `whole` does not hold as many times. */
export function missingFrom(whole: readonly string[], part: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const item of whole) counts.set(item, (counts.get(item) ?? 0) + 1);
  const missing: string[] = [];
  for (const item of part) {
    const left = counts.get(item) ?? 0;
    if (left === 0) missing.push(item);
    else counts.set(item, left - 1);
  }
  return missing;
}
