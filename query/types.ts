import { AccessLakeError } from '../lib/errors/index.ts';
import type { SqlValue } from '../lib/sql/index.ts';
import type { ReadStats } from './read-stats.ts';

/** One column of a result, with its SQL type in lower-case Trino spelling (`varchar`, `bigint`, `double`…). */
export interface QueryColumn {
  name: string;
  type: string;
}

/**
 * A finished query. Row values are plain JS: numbers, strings, booleans and `null`; integers beyond
 * `Number.MAX_SAFE_INTEGER` stay decimal strings so nothing is rounded; timestamps become ISO-8601 UTC
 * strings; maps become objects and arrays stay arrays.
 */
export interface QueryResult {
  columns: QueryColumn[];
  rows: Record<string, unknown>[];
  /** DuckDB only: the lake objects the query read and the distinct bytes it read of them (query/read-stats.ts). */
  read?: ReadStats;
  /** Athena only: bytes the query read, as billed. */
  bytesScanned?: number;
  /** Athena only: what the scan cost at $5 per TB (query/athena-cost.ts). */
  costUsd?: number;
  /** Athena only: the QueryExecutionId, for the console and the logs. */
  queryExecutionId?: string;
}

/**
 * One query interface over two engines: Athena (the lake in S3, via the Glue catalog) and DuckDB (the local
 * lake folder). Both see a table `access_logs` with the canonical columns plus `year`, `month`, `day`,
 * `hour` partition columns (strings), so the same SQL runs on both.
 */
export interface QueryEngine {
  readonly name: 'duckdb' | 'athena';
  query(sql: string, options?: QueryOptions): Promise<QueryResult>;
  /** Releases the engine (DuckDB's database, Athena's HTTP sockets). Idempotent. */
  close(): Promise<void>;
}

/** How a query may be narrowed before it runs. */
export interface QueryOptions {
  /**
   * DuckDB: the event hours (`YYYYMMDDHH`, inclusive) the SQL reads, so the view lists only their
   * files. Give it only when the SQL itself keeps to these hours (the named queries' and reports'
   * partition predicate); rows outside it are not seen. Athena prunes partitions itself and ignores it.
   */
  hours?: { from: string; to: string };
  /**
   * Values for the SQL's `?` placeholders, in order: bound by DuckDB, sent to Athena as
   * ExecutionParameters (lib/sql). Prefer them to writing values into the SQL text.
   */
  params?: readonly SqlValue[];
}

/** A query that could not run or failed: the engine's reason, in its words, and the SQL's first line. */
export class QueryError extends AccessLakeError {
  readonly engine: 'duckdb' | 'athena';
  /** Athena's final state (`FAILED`, `CANCELLED`) or `undefined` for DuckDB and client-side failures. */
  readonly state: string | undefined;
  constructor(
    engine: 'duckdb' | 'athena',
    message: string,
    options: { cause?: unknown; state?: string | undefined } = {},
  ) {
    super(message, options);
    this.engine = engine;
    this.state = options.state;
  }
}

/** Integers stay numbers while exact, else become decimal strings. */
export function safeInteger(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}
