/**
 * What Athena would hand back for a small weekly report: the rows of the CTAS table as GetQueryResults
 * pages (all values strings, NULL as a missing VarCharValue, the header row first) and a real Parquet
 * file of the same rows, written by DuckDB, standing in for the file Athena's CTAS writes to S3.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { REPORT_COLUMNS } from '../../../reports/sql/report-query.ts';

type Value = string | number | null;

const PERIOD = ['weekly', '2025-W02', '2025-01-06', '2025-01-12', 'UTC'];

// dimension, key, requests, bytes_sent, client_errors, server_errors, error_rate, p50, p95, p99, rank_requests, rank_errors
const BODY: Value[][] = [
  ['total', null, 1000, 5_000_000, 120, 30, 0.03, 0.012, 0.25, 0.9, 1, 1],
  ['day', '2025-01-06', 600, 3_000_000, 70, 20, 0.0333, 0.011, 0.24, 0.8, 1, 1],
  ['day', '2025-01-07', 400, 2_000_000, 50, 10, 0.025, 0.013, 0.26, 0.95, 2, 2],
  ['status_class', '2xx', 850, 4_800_000, 0, 0, 0, 0.01, 0.2, 0.5, 1, 3],
  ['status_class', '4xx', 120, 150_000, 120, 0, 0, 0.02, 0.3, 0.9, 2, 1],
  ['status_class', '5xx', 30, 50_000, 0, 30, 1, 0.5, 1.5, 2.0, 3, 2],
  ['path', '/api/items', 700, 3_500_000, 20, 5, 0.0071, 0.01, 0.2, 0.7, 1, 2],
  ['path', '/broken', 50, 10_000, 20, 25, 0.5, 0.4, 1.2, 1.9, 2, 1],
  ['client', '203.0.113.9', 900, 4_000_000, 100, 25, 0.0278, 0.012, 0.25, 0.9, 1, 1],
  ['user_agent', 'bot "quoted", with commas', 640, 3_200_000, 60, 15, 0.0234, 0.012, 0.25, 0.9, 1, 1],
  ['user_agent', '(none)', 360, 1_800_000, 60, 15, 0.0417, 0.012, 0.25, 0.9, 2, 2],
];

/** The fixture as row objects keyed by report column. */
export const FIXTURE_ROWS: Record<string, Value>[] = BODY.map((values) =>
  Object.fromEntries(REPORT_COLUMNS.map(([name], i) => [name, [...PERIOD, ...values][i] ?? null])),
);

/** Athena's ColumnInfo for the report table. */
export const COLUMN_INFO = REPORT_COLUMNS.map(([name, type]) => ({ Name: name, Label: name, Type: type }));

/** GetQueryResults rows: the header row, then each row's values as strings. */
export function athenaRows(): { Data: { VarCharValue?: string }[] }[] {
  const header = { Data: REPORT_COLUMNS.map(([name]) => ({ VarCharValue: name })) };
  return [
    header,
    ...FIXTURE_ROWS.map((row) => ({
      Data: REPORT_COLUMNS.map(([name]) => (row[name] === null ? {} : { VarCharValue: String(row[name]) })),
    })),
  ];
}

/** A Parquet file with the fixture's rows and the report table's column types. */
export async function fixtureParquet(): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'accesslake-fixture-'));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const sqlValue = (v: Value) =>
      v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replaceAll("'", "''")}'`;
    const values = FIXTURE_ROWS.map(
      (row) => `(${REPORT_COLUMNS.map(([name]) => sqlValue(row[name]!)).join(', ')})`,
    );
    const casts = REPORT_COLUMNS.map(
      ([name, type]) => `CAST(${name} AS ${type === 'varchar' ? 'VARCHAR' : type.toUpperCase()}) AS ${name}`,
    );
    const path = join(dir, 'athena-output.parquet');
    await connection.run(
      `COPY (SELECT ${casts.join(', ')} FROM (VALUES ${values.join(', ')}) AS t(${REPORT_COLUMNS.map(([n]) => n).join(', ')})) TO '${path}' (FORMAT parquet)`,
    );
    return new Uint8Array(await readFile(path));
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}
