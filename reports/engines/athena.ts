/**
 * The report on Athena. A CTAS query runs the report (the one scan of the lake, billed once) and makes
 * Athena write the result as Parquet; a second query reads that tiny table back (Athena bills its 10 MB
 * minimum) for the summary and the CSV, which we write ourselves: UNLOAD's TEXTFILE output has no header
 * and does not quote fields, and user agents are full of commas.
 *
 * The CTAS names no `external_location`: the workgroups `provision` and the stack make enforce their
 * configuration, and "Considerations and limitations for CTAS queries" says a CTAS in such a workgroup
 * is written to `<workgroup results location>/tables/<query-id>/` and may not choose its own location
 * (https://docs.aws.amazon.com/athena/latest/ug/considerations-ctas.html). The written files are found
 * through the table itself, its `"$path"` column (the S3 object each row comes from), read, and deleted
 * with the table whatever happens.
 * https://docs.aws.amazon.com/athena/latest/ug/create-table-as.html
 */

import { toCsv } from '../../lib/csv/index.ts';
import { describeError } from '../../lib/errors/index.ts';
import { loadGzipCodec } from '../../lib/gzip/index.ts';
import { type Logger, silentLogger } from '../../lib/log/index.ts';
// query/types.ts, not query/index.ts: the report Lambda's bundle must not reach the DuckDB engine.
import { athenaCostUsd, type QueryEngine, QueryError, type QueryResult } from '../../query/index.ts';
import { ReportOutputError } from '../errors.ts';
import { REPORT_COLUMNS, REPORT_ORDER_BY } from '../sql/report-query.ts';
import type { S3Objects } from './s3-objects.ts';
import type { ProducedReport } from './types.ts';

export interface AthenaReportOptions {
  /** The Glue database that holds `access_logs`; the temporary table is created there too. */
  database: string;
  /** Reads and deletes the files the CTAS wrote (any bucket: the workgroup's results location). */
  objects: S3Objects;
  /** Unique per run, `[a-z0-9_]`: names the temporary table. */
  runId: string;
  logger?: Logger;
}

const NAME = /^[a-z0-9_]{1,128}$/;

/** The CTAS statement: Parquet, Snappy, one bucket so Athena writes one file; no location of its own. */
export function buildCtas(table: string, select: string): string {
  return `CREATE TABLE ${table}
WITH (
  format = 'PARQUET',
  write_compression = 'SNAPPY',
  -- One bucket makes Athena write the whole result as a single file.
  bucketed_by = ARRAY['dimension'],
  bucket_count = 1
) AS
${select}`;
}

/** The read-back of the report table, in section order. */
export const readBackSql = (table: string) => `SELECT * FROM ${table} ORDER BY ${REPORT_ORDER_BY}`;

/** The files behind the report table: Athena's `"$path"` pseudo-column, one row per object. */
export const filesSql = (table: string) => `SELECT DISTINCT "$path" AS file FROM ${table} ORDER BY 1`;

/** The temporary table's cleanup. DDL costs nothing; IF EXISTS makes it safe when the CTAS failed. */
export const dropSql = (table: string) => `DROP TABLE IF EXISTS ${table}`;

/**
 * "If any query that runs in the workgroup exceeds the limit, it is canceled"
 * (https://docs.aws.amazon.com/athena/latest/ug/workgroups-setting-control-limits-cloudwatch.html).
 * The report never stops its own CTAS, so a CANCELLED one is almost always the reports workgroup's
 * cutoff: say which setting to raise.
 */
function explainCutoff(error: unknown): never {
  const cancelled = error instanceof QueryError && error.state === 'CANCELLED';
  if (cancelled || (error instanceof Error && /scanned limit/i.test(error.message))) {
    throw new ReportOutputError(
      `${(error as Error).message}: Athena cancels a query over the workgroup's per-query scan cutoff, and this period may scan more than the reports workgroup allows; raise it (accesslake provision --reports-bytes-scanned-cutoff, or the stack's reportsBytesScannedCutoff context) or report a shorter period`,
      { cause: error },
    );
  }
  throw error;
}

/** `accesslake.accesslake_report_<runId>`; unquoted, as DROP TABLE is Hive DDL and takes no double quotes. */
export function reportTableName(database: string, runId: string): string {
  if (!NAME.test(database)) {
    throw new TypeError(`database ${JSON.stringify(database)}: use lower-case letters, digits and _`);
  }
  if (!NAME.test(runId)) throw new TypeError(`runId ${JSON.stringify(runId)}: use [a-z0-9_]`);
  return `${database}.accesslake_report_${runId}`;
}

/** Runs `select` (from buildReportSelect) through CTAS on Athena and returns the report's rows and files. */
export async function produceWithAthena(
  engine: QueryEngine,
  select: string,
  options: AthenaReportOptions,
): Promise<ProducedReport> {
  const table = reportTableName(options.database, options.runId);
  const logger = options.logger ?? silentLogger;
  const results: QueryResult[] = [];
  let files: string[] = [];
  try {
    results.push(await engine.query(buildCtas(table, select)).catch(explainCutoff));
    const read = await engine.query(readBackSql(table));
    results.push(read);
    const listed = await engine.query(filesSql(table));
    results.push(listed);
    files = listed.rows.map((row) => String(row.file));
    if (files.length === 0) {
      throw new ReportOutputError(`Athena reported success but the report table ${table} has no file`);
    }
    const parquet: Uint8Array[] = [];
    for (const file of files) {
      const bytes = await options.objects.get(file);
      if (!bytes) throw new ReportOutputError(`the Parquet file ${file} vanished before it was read`);
      parquet.push(bytes);
    }
    const columns = REPORT_COLUMNS.map(([name]) => name);
    const gzip = await loadGzipCodec();
    const csvGz = await gzip.gzip(new TextEncoder().encode(toCsv(columns, read.rows)), 6);
    const bytesScanned = results.reduce((sum, r) => sum + (r.bytesScanned ?? 0), 0);
    const costUsd = results.reduce((sum, r) => sum + (r.costUsd ?? athenaCostUsd(r.bytesScanned ?? 0)), 0);
    return { rows: read.rows, parquet, csvGz, bytesScanned, costUsd };
  } finally {
    await engine.query(dropSql(table)).catch((error: unknown) => {
      logger.warn('could not drop the temporary report table; drop it by hand', {
        table,
        error: describeError(error),
      });
    });
    // DROP TABLE leaves a CTAS table's files in place (Athena "DROP TABLE"): delete the ones we know.
    const left: string[] = [];
    for (const file of files) await options.objects.delete(file).catch(() => left.push(file));
    if (left.length) logger.warn('could not delete the report table files', { files: left });
  }
}
