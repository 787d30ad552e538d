/**
 * Where things go in the lake (shared/DESIGN.md "Lake layout"). Keys are pure functions of the batch, so a
 * retried batch overwrites itself and can never appear twice.
 */

export interface LakePrefixes {
  /** Crawled data. Default `access_logs`. */
  data: string;
  /** Rejected lines, outside the crawler's path. Default `rejects`. */
  rejects: string;
}

export const DEFAULT_PREFIXES: LakePrefixes = { data: 'access_logs', rejects: 'rejects' };

/** One UTC event hour: the partition a record lands in. */
export interface HourPartition {
  year: string;
  month: string;
  day: string;
  hour: string;
}

/** `2025-01-10T14:31:02.000Z` → its hour partition; relies on the canonical ts format. */
export function hourOf(ts: string): HourPartition {
  return { year: ts.slice(0, 4), month: ts.slice(5, 7), day: ts.slice(8, 10), hour: ts.slice(11, 13) };
}

/** `year=2025/month=01/day=10/hour=14` */
export function partitionPath(p: HourPartition): string {
  return `year=${p.year}/month=${p.month}/day=${p.day}/hour=${p.hour}`;
}

/** `2025-01-10T14:31:02.000Z` → `20250110T143102Z` */
export function compactTime(ts: string): string {
  return `${ts.slice(0, 4)}${ts.slice(5, 7)}${ts.slice(8, 10)}T${ts.slice(11, 13)}${ts.slice(14, 16)}${ts.slice(17, 19)}Z`;
}

/**
 * `<data>/year=/month=/day=/hour=/access_<first ts>_<batchId>-<n>.jsonl.gz`, where `n` numbers the
 * batch's hour groups in order of first appearance.
 */
export function dataObjectKey(prefixes: LakePrefixes, firstTs: string, batchId: string, n: number): string {
  return `${prefixes.data}/${partitionPath(hourOf(firstTs))}/access_${compactTime(firstTs)}_${batchId}-${n}.jsonl.gz`;
}

/**
 * `<rejects>/rejects_<batchId>.jsonl.gz`: keyed by the batch alone (a rejected line may have no usable
 * time), so a retried batch overwrites its rejects like its data.
 */
export function rejectsObjectKey(prefixes: LakePrefixes, batchId: string): string {
  return `${prefixes.rejects}/rejects_${batchId}.jsonl.gz`;
}

/** Idempotency keys become key segments, so they are held to a safe alphabet. */
export const BATCH_ID_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;
