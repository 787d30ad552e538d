/**
 * How much a DuckDB query read from the lake: the objects (files) it read at least one byte of, and the
 * distinct bytes it read from them. One measure for every part that reports it (the dashboard's panels,
 * `accesslake query`, the compaction bench), so they all show the same figure.
 *
 * Source: DuckDB's own file-system log (`CALL enable_logging('FileSystem')`,
 * https://duckdb.org/docs/stable/operations_manual/logging/overview), which records every `READ` the
 * engine does with its path, position and length. That makes the measure exact and format-blind:
 * a gzipped JSON object is read whole, a Parquet object only in its footer and the column chunks the
 * query needs, and both are counted as DuckDB actually read them. Partitions the query pruned are never
 * opened and count nothing. Two corrections keep it exact: reads overlap (Parquet reads the footer
 * length, then the footer; the gzip reader re-reads its header), so the bytes are the union of the
 * ranges per object; and the log records the length asked for, which runs past the end of a file on
 * its last read, so each range is clipped at the object's size (local files only; a remote object's
 * ranges are taken as logged). DuckDB's profiler has a `total_bytes_read` metric too, but it counts
 * only some reads (40 bytes for a query over 60 kB of JSON in DuckDB 1.5), so it is not used.
 *
 * Cost: the log lives in DuckDB's memory and is cleared around each measured query; reading it back is
 * one small query, plus a `stat` per object read.
 */
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';

/** What one query read: objects with at least one byte read, and distinct bytes read (clipped at each object's size). */
export interface ReadStats {
  objects: number;
  bytes: number;
}

/** One `READ` from DuckDB's file-system log. */
export interface FileRead {
  path: string;
  /** Byte offset in the object. */
  pos: number;
  /** Bytes asked for. */
  bytes: number;
}

/**
 * Turns on the file-system log for the connection's database. Call once after connecting; the log is
 * kept in memory (DuckDB's default log storage) and {@link measureReads} clears it.
 */
export async function enableReadStats(connection: DuckDBConnection): Promise<void> {
  await connection.run("CALL enable_logging('FileSystem')");
}

/**
 * Runs `query` and returns its result with what it read. The connection must run nothing else
 * meanwhile (the DuckDB engine queues its queries), since the log is per database, not per query.
 *
 * @example
 * await enableReadStats(connection);
 * const { result, read } = await measureReads(connection, () => connection.runAndReadAll(sql));
 * // read = { objects: 3, bytes: 181_240 }
 */
export async function measureReads<T>(
  connection: DuckDBConnection,
  query: () => Promise<T>,
  sizeOf: (path: string) => number | undefined = localFileSize,
): Promise<{ result: T; read: ReadStats }> {
  await connection.run('CALL truncate_duckdb_logs()');
  const result = await query();
  const reads = await loggedReads(connection);
  await connection.run('CALL truncate_duckdb_logs()');
  return { result, read: summarizeReads(reads, sizeOf) };
}

/** The `READ` entries the file-system log holds now. */
export async function loggedReads(connection: DuckDBConnection): Promise<FileRead[]> {
  // Parsed in SQL so only three typed columns cross into JS, however long the log.
  const reader = await connection.runAndReadAll(
    `SELECT json_extract_string(message, '$.path') AS path,
            CAST(json_extract_string(message, '$.pos') AS BIGINT) AS pos,
            CAST(json_extract_string(message, '$.bytes') AS BIGINT) AS bytes
     FROM duckdb_logs
     WHERE type = 'FileSystem' AND json_extract_string(message, '$.op') = 'READ'`,
  );
  return reader.getRowsJS().map(([path, pos, bytes]) => ({
    path: String(path),
    pos: Number(pos),
    bytes: Number(bytes),
  }));
}

/**
 * Objects and distinct bytes from a list of reads: per object, the union of `[pos, pos + bytes)`
 * clipped at the object's size when `sizeOf` knows it. Reads of zero bytes do not make an object read.
 */
export function summarizeReads(
  reads: readonly FileRead[],
  sizeOf: (path: string) => number | undefined = localFileSize,
): ReadStats {
  const byPath = new Map<string, [number, number][]>();
  for (const { path, pos, bytes } of reads) {
    if (bytes <= 0) continue;
    const ranges = byPath.get(path) ?? [];
    if (ranges.length === 0) byPath.set(path, ranges);
    ranges.push([pos, pos + bytes]);
  }
  let total = 0;
  for (const [path, ranges] of byPath) {
    const size = sizeOf(path);
    ranges.sort((a, b) => a[0] - b[0]);
    let end = 0;
    for (const [from, to] of ranges) {
      const start = Math.max(from, end);
      const stop = size === undefined ? to : Math.min(to, size);
      if (stop > start) total += stop - start;
      end = Math.max(end, to);
    }
  }
  return { objects: byPath.size, bytes: total };
}

/**
 * The size of a local file, or undefined for a remote object (`s3://…`) or a file gone since. A
 * synchronous stat: a few microseconds each, where awaiting one per object through the thread pool, which
 * DuckDB's reads keep busy, cost tens of milliseconds per query.
 */
export function localFileSize(path: string): number | undefined {
  if (!isAbsolute(path)) return undefined;
  return statSync(path, { throwIfNoEntry: false })?.size;
}

/** S3 GET requests, per 1,000 (S3 Standard, us-east-1; https://aws.amazon.com/s3/pricing/). */
export const S3_GET_USD_PER_1000 = 0.0004;

/**
 * What the same read would cost on Athena, for the compaction bench: bytes at $5/TB (without the 10 MB
 * per-query minimum, so small differences stay visible) plus one S3 GET per object read. An estimate for
 * comparing layouts, not a bill.
 */
export function estimatedAthenaUsd(stats: ReadStats): number {
  return (stats.bytes / 1024 ** 4) * 5 + (stats.objects / 1000) * S3_GET_USD_PER_1000;
}
