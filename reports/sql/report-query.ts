/**
 * The report's one query, in the Trino SQL the named queries use (DuckDB runs it through the query
 * layer's Trino macros). It reads the period's partitions ONCE: a single GROUP BY GROUPING SETS computes
 * the totals, the daily breakdown, the status classes and the per-path, per-client and per-user-agent
 * figures together, where a UNION of sections would scan the data once per section (Trino inlines CTEs).
 * Window functions then rank each dimension and keep the top N.
 */

import { GLUE_DEFAULTS } from '../../lake-contract/index.ts';
import { sqlLiteral } from '../../lib/sql/index.ts';
import { hourRangePredicate } from '../../query/index.ts';
import type { ReportPeriod } from '../period/resolve-period.ts';

/** Dimensions of the report table, in the order the sections appear. */
export const DIMENSIONS = ['total', 'day', 'status_class', 'path', 'client', 'user_agent'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/**
 * The report table's columns, in order, with their Trino types. One row per (dimension, key); the period
 * columns repeat on every row so a Parquet file read on its own, or many read together, says what it covers.
 */
export const REPORT_COLUMNS = [
  ['period_kind', 'varchar'],
  ['period_label', 'varchar'],
  ['period_start', 'varchar'],
  ['period_end', 'varchar'],
  ['time_zone', 'varchar'],
  ['dimension', 'varchar'],
  ['key', 'varchar'],
  ['requests', 'bigint'],
  ['bytes_sent', 'bigint'],
  ['client_errors', 'bigint'],
  ['server_errors', 'bigint'],
  ['error_rate', 'double'],
  ['p50', 'double'],
  ['p95', 'double'],
  ['p99', 'double'],
  ['rank_requests', 'bigint'],
  ['rank_errors', 'bigint'],
] as const;

export type ReportColumn = (typeof REPORT_COLUMNS)[number][0];

export interface ReportQueryOptions {
  /** Rows kept per ranked dimension (paths, clients, user agents, error hot spots). Default 10. */
  top?: number;
  /** The table to read. Default `access_logs`. */
  table?: string;
}

/** Lists the rows section by section: days and status classes in order, the rest by rank. */
export const REPORT_ORDER_BY = `CASE dimension ${DIMENSIONS.map((d, i) => `WHEN '${d}' THEN ${i}`).join(' ')} END, CASE WHEN dimension IN ('day', 'status_class') THEN key ELSE '' END, rank_requests`;

/**
 * The SELECT that computes a report for `period`.
 *
 * @example
 * const sql = buildReportSelect(resolvePeriod({ period: 'weekly' }), { top: 20 });
 */
export function buildReportSelect(period: ReportPeriod, options: ReportQueryOptions = {}): string {
  const top = options.top ?? 10;
  if (!Number.isInteger(top) || top < 1) throw new RangeError(`top must be a whole number ≥ 1, got ${top}`);
  const table = options.table ?? GLUE_DEFAULTS.view;
  // In UTC the day is the ts prefix; elsewhere the local date of the instant (DST-correct on both engines).
  const day =
    period.timeZone === 'UTC'
      ? 'substr(ts, 1, 10)'
      : `date_format(from_iso8601_timestamp(ts) AT TIME ZONE ${sqlLiteral(period.timeZone)}, '%Y-%m-%d')`;
  const periodColumns = [
    `${sqlLiteral(period.kind)} AS period_kind`,
    `${sqlLiteral(period.label)} AS period_label`,
    `${sqlLiteral(period.start)} AS period_start`,
    `${sqlLiteral(period.end)} AS period_end`,
    `${sqlLiteral(period.timeZone)} AS time_zone`,
  ].join(',\n  ');

  return `WITH filtered AS (
  SELECT
    ${day} AS local_day,
    concat(substr(lpad(CAST(status AS varchar), 3, '0'), 1, 1), 'xx') AS status_class,
    coalesce(split_part(path, '?', 1), '(no request)') AS path_only,
    remote_addr,
    coalesce(user_agent, '(none)') AS agent,
    status,
    bytes_sent,
    request_time
  FROM ${table}
  -- The named queries' partition predicate (query/partition-predicate.ts): year range, then exact hours.
  WHERE ${hourRangePredicate(period.fromHour, period.toHour, '    ')}
    AND ts >= ${sqlLiteral(period.fromTs)} AND ts < ${sqlLiteral(period.toTs)}
),
grouped AS (
  SELECT
    CASE
      WHEN grouping(local_day) = 0 THEN 'day'
      WHEN grouping(status_class) = 0 THEN 'status_class'
      WHEN grouping(path_only) = 0 THEN 'path'
      WHEN grouping(remote_addr) = 0 THEN 'client'
      WHEN grouping(agent) = 0 THEN 'user_agent'
      ELSE 'total'
    END AS dimension,
    -- Within one grouping set every other column is NULL, so this is that set's key (NULL for the total).
    coalesce(local_day, status_class, path_only, remote_addr, agent) AS key,
    count(*) AS requests,
    CAST(coalesce(sum(bytes_sent), 0) AS bigint) AS bytes_sent,
    CAST(count_if(status >= 400 AND status < 500) AS bigint) AS client_errors,
    CAST(count_if(status >= 500) AS bigint) AS server_errors,
    approx_percentile(request_time, 0.5) AS p50,
    approx_percentile(request_time, 0.95) AS p95,
    approx_percentile(request_time, 0.99) AS p99
  FROM filtered
  GROUP BY GROUPING SETS ((), (local_day), (status_class), (path_only), (remote_addr), (agent))
),
ranked AS (
  SELECT
    *,
    row_number() OVER (PARTITION BY dimension ORDER BY requests DESC, key ASC NULLS LAST) AS rank_requests,
    row_number() OVER (
      PARTITION BY dimension
      ORDER BY client_errors + server_errors DESC, server_errors DESC, requests DESC, key ASC NULLS LAST
    ) AS rank_errors
  FROM grouped
)
SELECT
  ${periodColumns},
  dimension,
  key,
  requests,
  bytes_sent,
  client_errors,
  server_errors,
  -- The share of requests that failed on the server, as in the error-rate named query.
  CASE WHEN requests = 0 THEN CAST(NULL AS double) ELSE CAST(server_errors AS double) / requests END AS error_rate,
  CAST(p50 AS double) AS p50,
  CAST(p95 AS double) AS p95,
  CAST(p99 AS double) AS p99,
  CAST(rank_requests AS bigint) AS rank_requests,
  CAST(rank_errors AS bigint) AS rank_errors
FROM ranked
WHERE dimension IN ('total', 'day', 'status_class')
  OR rank_requests <= ${top}
  OR (dimension = 'path' AND rank_errors <= ${top} AND client_errors + server_errors > 0)`;
}
