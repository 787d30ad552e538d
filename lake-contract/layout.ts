/**
 * Where things go in the lake (docs/record.md, "Lake layout"). Keys are pure functions of the batch (its
 * source and batch id), so a retried batch overwrites itself and can never appear twice, and two sources
 * can never write the same object.
 */

// Synchronous and web-standard (no node:crypto), so key builders stay pure on workerd and Deno too;
// WebCrypto's crypto.subtle.digest is async.
import { sha256 } from '@noble/hashes/sha2.js';
import { AccessLakeError } from '../lib/errors/index.ts';

export interface LakePrefixes {
  /** Crawled data. Default `access_logs`. */
  data: string;
  /** Rejected lines, outside the crawler's path. Default `rejects`. */
  rejects: string;
  /** One claim per (source, batch id) holding the batch's content digest, outside the crawler's path. Default `batches`. */
  batches: string;
}

export const DEFAULT_PREFIXES: LakePrefixes = { data: 'access_logs', rejects: 'rejects', batches: 'batches' };

/** A ts that is not canonical (`YYYY-MM-DDTHH:MM:SS.mmmZ`, years 1970–9999) cannot name a partition. */
export class InvalidPartitionError extends AccessLakeError {}

/**
 * True when `ts` is a canonical record time a partition can be built from: `YYYY-MM-DDTHH:MM:SS.mmmZ` with
 * a four-digit year from 1970. Character checks, no regex: it runs once per accepted record.
 */
export function isPartitionableTs(ts: string): boolean {
  if (ts.length !== 24 || ts.charCodeAt(23) !== 0x5a /* Z */) return false;
  for (const i of DIGIT_POSITIONS) {
    const c = ts.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return ts[4] === '-' && ts[7] === '-' && ts[10] === 'T' && ts[13] === ':' && ts >= '1970';
}
const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];

/**
 * Longest encoded source kept readable in a name. With the longest batch id (128) the longest data object
 * name is `access_` + 16 + `_` + source + `_` + 128 + `-<n>` + `.jsonl.gz` = 161 + source + `-<n>` bytes;
 * a digest form (at most {@link SOURCE_PREFIX_MAX} + 2 + 32 = 74 bytes) keeps every name under the
 * 255-byte file-name limit (NAME_MAX on Linux and macOS; S3 keys allow 1024 bytes in all).
 */
export const SOURCE_READABLE_MAX = 64;
/** The readable part kept before the digest of an over-long source. */
export const SOURCE_PREFIX_MAX = 40;

/**
 * A source label (`X-Source`: printable ASCII, which may hold `/`, `=`, `_` or `.`) as one file-name
 * part: `A–Z a–z 0–9 -` stay, every other byte becomes `.` and two lower-case hex digits (`web/1` →
 * `web.2f1`). An encoding longer than {@link SOURCE_READABLE_MAX} bytes (each `/` costs 3) becomes its
 * first at most {@link SOURCE_PREFIX_MAX} bytes (never cut inside a `.xx`), `.z` and the first 16 bytes
 * of the SHA-256 of the whole label in hex: 32 hex digits, 128 bits, collision-free in practice. The
 * readable encoding never holds `.z` (a `.` is always followed by hex), so a digest name never equals a
 * readable one. The output never holds `_`, so `access_<ts>_<source>_<batchId>` splits back
 * unambiguously, and distinct labels give distinct names.
 */
export function encodeSourceLabel(source: string): string {
  const bytes = new TextEncoder().encode(source);
  let out = '';
  for (const byte of bytes) {
    const keep =
      (byte >= 0x30 && byte <= 0x39) ||
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      byte === 0x2d;
    out += keep ? String.fromCharCode(byte) : `.${byte.toString(16).padStart(2, '0')}`;
  }
  if (out.length <= SOURCE_READABLE_MAX) return out;
  let cut = SOURCE_PREFIX_MAX;
  // A `.` within the last two kept bytes starts an escape that would be cut: cut before it.
  const dot = out.lastIndexOf('.', cut - 1);
  if (dot !== -1 && dot > cut - 3) cut = dot;
  const digest = sha256(bytes).subarray(0, 16);
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return `${out.slice(0, cut)}.z${hex}`;
}

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
 * `<data>/year=/month=/day=/hour=/access_<first ts>_<source>_<batchId>-<n>.jsonl.gz`, where `source` is
 * {@link encodeSourceLabel} of the label (in the file name only: a `source=` folder would collide with the
 * record's `source` column as a Hive partition) and `n` numbers the batch's hour groups in order of first
 * appearance.
 * @throws {InvalidPartitionError} when `firstTs` is not a partitionable canonical time
 */
export function dataObjectKey(
  prefixes: LakePrefixes,
  firstTs: string,
  source: string,
  batchId: string,
  n: number,
): string {
  if (!isPartitionableTs(firstTs)) {
    throw new InvalidPartitionError(`record time ${JSON.stringify(firstTs)} cannot name an hour partition`);
  }
  return `${prefixes.data}/${partitionPath(hourOf(firstTs))}/access_${compactTime(firstTs)}_${encodeSourceLabel(source)}_${batchId}-${n}.jsonl.gz`;
}

/**
 * `<rejects>/rejects_<source>_<batchId>.jsonl.gz`: keyed by the batch alone (a rejected line may have no
 * usable time), so a retried batch overwrites its rejects like its data.
 */
export function rejectsObjectKey(prefixes: LakePrefixes, source: string, batchId: string): string {
  return `${prefixes.rejects}/rejects_${encodeSourceLabel(source)}_${batchId}.jsonl.gz`;
}

/** `<batches>/<source>_<batchId>.json`: the batch's claim, created once (see lake/batch-claim.ts). */
export function batchClaimKey(prefixes: LakePrefixes, source: string, batchId: string): string {
  return `${prefixes.batches}/${encodeSourceLabel(source)}_${batchId}.json`;
}

/** Idempotency keys become key segments, so they are held to a safe alphabet. */
export const BATCH_ID_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;
