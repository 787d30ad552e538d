/**
 * The report on DuckDB: one `COPY (report) TO '….parquet' (FORMAT parquet)` runs the report query (the
 * only scan of the lake), then the small Parquet file is read back for the summary and copied to CSV
 * with `COPY … (FORMAT csv, NEW_LINE '\r\n', COMPRESSION gzip)` (RFC 4180's CRLF, as lib/csv writes).
 * Everything is written in a private temporary folder and only handed over as bytes once complete. https://duckdb.org/docs/sql/statements/copy
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlLiteral } from '../../lib/sql/index.ts';
import type { QueryEngine } from '../../query/index.ts';
import { REPORT_ORDER_BY } from '../sql/report-query.ts';
import type { ProducedReport } from './types.ts';

/**
 * Runs `select` (from buildReportSelect) on a DuckDB engine and returns the report's rows and files.
 * `hours`: the period's event hours, so the engine lists only their files.
 */
export async function produceWithDuckDb(
  engine: QueryEngine,
  select: string,
  hours?: { from: string; to: string },
): Promise<ProducedReport> {
  const dir = await mkdtemp(join(tmpdir(), 'accesslake-report-'));
  try {
    const parquet = join(dir, 'report.parquet');
    const csv = join(dir, 'report.csv.gz');
    // SNAPPY rather than DuckDB's newer defaults: every Parquet reader (Athena v2, Spark, pandas) has it.
    await engine.query(
      `COPY (SELECT * FROM (${select}) ORDER BY ${REPORT_ORDER_BY}) TO ${sqlLiteral(parquet)} (FORMAT parquet, COMPRESSION snappy)`,
      hours ? { hours } : {},
    );
    const readBack = `SELECT * FROM read_parquet(${sqlLiteral(parquet)}) ORDER BY ${REPORT_ORDER_BY}`;
    const { rows } = await engine.query(readBack);
    await engine.query(
      `COPY (${readBack}) TO ${sqlLiteral(csv)} (FORMAT csv, HEADER true, NEW_LINE '\\r\\n', COMPRESSION gzip)`,
    );
    return {
      rows,
      parquet: [new Uint8Array(await readFile(parquet))],
      csvGz: new Uint8Array(await readFile(csv)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
