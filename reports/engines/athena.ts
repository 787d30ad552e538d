/**
 * The report on Athena. A CTAS query runs the report (the one scan of the lake, billed once) and makes
 * Athena write the result as Parquet into the run's staging folder in S3; a second query reads that tiny
 * table back (Athena bills its 10 MB minimum) for the summary and the CSV, which we write ourselves:
 * UNLOAD's TEXTFILE output has no header and does not quote fields, and user agents are full of commas.
 * The temporary table is dropped and the staging folder emptied whatever happens.
 * https://docs.aws.amazon.com/athena/latest/ug/create-table-as.html
 */
import type { ObjectStorage } from '../../ingest/storage/index.ts';
import { describeError } from '../../lib/errors/index.ts';
import { loadGzipCodec } from '../../lib/gzip/index.ts';
import { type Logger, silentLogger } from '../../lib/log/index.ts';
import { athenaCostUsd, type QueryEngine, type QueryResult } from '../../query/index.ts';
import { ReportOutputError } from '../errors.ts';
import { toCsv } from '../output/csv.ts';
import { deleteAll } from '../output/publish.ts';
import { REPORT_COLUMNS, REPORT_ORDER_BY } from '../sql/report-query.ts';
import type { ProducedReport } from './types.ts';

export interface AthenaReportOptions {
  /** The Glue database that holds `access_logs`; the temporary table is created there too. */
  database: string;
  /** An S3 storage for staging, and its root as an `s3://bucket/prefix/` URL. */
  staging: ObjectStorage;
  /** Staging folder inside `staging`, ending in `/` (see output/layout.ts `stagingPrefix`). */
  stagingPrefix: string;
  /** Unique per run, `[a-z0-9_]`: names the temporary table. */
  runId: string;
  logger?: Logger;
}

const NAME = /^[a-z0-9_]{1,128}$/;

/** The CTAS statement: Parquet, Snappy, one bucket so Athena writes one file. */
export function buildCtas(table: string, location: string, select: string): string {
  return `CREATE TABLE ${table}
WITH (
  format = 'PARQUET',
  write_compression = 'SNAPPY',
  external_location = '${location.replaceAll("'", "''")}',
  -- One bucket makes Athena write the whole result as a single file.
  bucketed_by = ARRAY['dimension'],
  bucket_count = 1
) AS
${select}`;
}

/** Runs `select` (from buildReportSelect) through CTAS on Athena and returns the report's rows and files. */
export async function produceWithAthena(
  engine: QueryEngine,
  select: string,
  options: AthenaReportOptions,
): Promise<ProducedReport> {
  if (!NAME.test(options.database)) {
    throw new TypeError(`database ${JSON.stringify(options.database)}: use lower-case letters, digits and _`);
  }
  if (!NAME.test(options.runId)) throw new TypeError(`runId ${JSON.stringify(options.runId)}: use [a-z0-9_]`);
  if (!options.staging.url.startsWith('s3://')) {
    throw new ReportOutputError(
      `Athena writes the report's Parquet to S3, but the staging location is ${options.staging.url}: give --out s3://bucket/prefix (or --staging s3://…)`,
    );
  }
  const logger = options.logger ?? silentLogger;
  // Unquoted on purpose: DROP TABLE is Hive DDL in Athena and takes backticks, not double quotes.
  const table = `${options.database}.accesslake_report_${options.runId}`;
  const prefix = `${options.stagingPrefix}parquet/`;
  const location = `${options.staging.url}${prefix}`;
  const results: QueryResult[] = [];
  try {
    results.push(await engine.query(buildCtas(table, location, select)));
    const read = await engine.query(`SELECT * FROM ${table} ORDER BY ${REPORT_ORDER_BY}`);
    results.push(read);

    // Athena hides files whose names start with `_` or `.` from queries; so do we.
    const keys = (await options.staging.list(prefix)).filter((key) => !/(^|\/)[_.][^/]*$/.test(key));
    if (keys.length === 0) {
      throw new ReportOutputError(`Athena reported success but wrote no Parquet file under ${location}`);
    }
    const parquet: Uint8Array[] = [];
    for (const key of keys) {
      const bytes = await options.staging.get(key);
      if (!bytes)
        throw new ReportOutputError(
          `the Parquet file ${options.staging.url}${key} vanished before it was read`,
        );
      parquet.push(bytes);
    }
    const columns = REPORT_COLUMNS.map(([name]) => name);
    const gzip = await loadGzipCodec();
    const csvGz = await gzip.gzip(new TextEncoder().encode(toCsv(columns, read.rows)), 6);
    const bytesScanned = results.reduce((sum, r) => sum + (r.bytesScanned ?? 0), 0);
    const costUsd = results.reduce((sum, r) => sum + (r.costUsd ?? athenaCostUsd(r.bytesScanned ?? 0)), 0);
    return { rows: read.rows, parquet, csvGz, bytesScanned, costUsd };
  } finally {
    // DDL costs nothing; IF EXISTS makes this safe when the CTAS never created the table.
    await engine.query(`DROP TABLE IF EXISTS ${table}`).catch((error: unknown) => {
      logger.warn('could not drop the temporary report table; drop it by hand', {
        table,
        error: describeError(error),
      });
    });
    const staged = await options.staging.list(prefix).catch(() => [] as string[]);
    const left = await deleteAll(options.staging, staged);
    if (left.length) logger.warn('could not delete staged report files', { location, keys: left });
  }
}
