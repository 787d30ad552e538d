/**
 * "Objects and bytes read" by a DuckDB query over the lake, the one measure the compaction bench and
 * the dashboard show: `objects` is how many lake objects the query's view covers (a Parquet object per
 * compacted hour, every raw object of the other hours); `bytes` is what DuckDB's profiler counts as read
 * (`total_bytes_read`: for Parquet only the column chunks the query needs) plus the full size of each
 * gzipped JSON object covered, which every reader (DuckDB, Athena) reads whole and which DuckDB's
 * profiler does not count. https://duckdb.org/docs/stable/dev/profiling
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface ReadStats {
  objects: number;
  bytes: number;
}

/** `total_bytes_read` from DuckDB's JSON profile output (the query's root node). */
export function bytesReadFromProfile(profileJson: string): number {
  const profile = JSON.parse(profileJson) as { total_bytes_read?: unknown };
  const bytes = profile.total_bytes_read;
  if (typeof bytes !== 'number') throw new Error('DuckDB profile without total_bytes_read');
  return bytes;
}

/** S3 GET requests, per 1,000 (S3 Standard, us-east-1; https://aws.amazon.com/s3/pricing/). */
export const S3_GET_USD_PER_1000 = 0.0004;

/**
 * What the same read would cost on Athena: bytes at $5/TB (without the 10 MB per-query minimum, so
 * small differences stay visible) plus one S3 GET per JSON object and two per Parquet object (footer,
 * then the column chunks). An estimate for comparing layouts, not a bill.
 */
export function estimatedAthenaUsd(stats: ReadStats & { parquetObjects?: number }): number {
  const parquet = stats.parquetObjects ?? 0;
  const gets = stats.objects - parquet + 2 * parquet;
  return (stats.bytes / 1024 ** 4) * 5 + (gets / 1000) * S3_GET_USD_PER_1000;
}

/** The total size of the raw objects the view's `<hour folder>/*.jsonl.gz` globs cover. */
export async function rawGlobBytes(globs: readonly string[]): Promise<number> {
  let total = 0;
  for (const glob of globs) {
    const folder = dirname(glob);
    for (const name of await readdir(folder)) {
      if (name.endsWith('.jsonl.gz')) total += (await stat(join(folder, name))).size;
    }
  }
  return total;
}
