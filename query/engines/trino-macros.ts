/**
 * DuckDB macros that give the handful of Trino (Athena engine v3) functions our SQL uses, so the named
 * queries run unchanged on both engines. Each maps onto DuckDB's own function with Trino's meaning:
 * https://trino.io/docs/current/functions/datetime.html and .../aggregate.html#approx_percentile.
 */

/** Trino's `date_format` uses MySQL specifiers; these are the ones whose strftime spelling differs. */
const MYSQL_TO_STRFTIME = "replace(replace(replace(f, '%M', '%B'), '%i', '%M'), '%s', '%S')";

export const TRINO_MACROS: readonly string[] = [
  // Trino returns `timestamp(3) with time zone`; the session time zone is UTC, see the engine.
  'CREATE OR REPLACE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)',
  // `2025-01-10T14:31:00.000Z`: the form of the canonical `ts`, so results compare as text.
  "CREATE OR REPLACE MACRO to_iso8601(t) AS strftime(CAST(t AS TIMESTAMPTZ), '%Y-%m-%dT%H:%M:%S.%gZ')",
  `CREATE OR REPLACE MACRO date_format(t, f) AS strftime(t, ${MYSQL_TO_STRFTIME})`,
  'CREATE OR REPLACE MACRO to_unixtime(t) AS epoch(t)',
  'CREATE OR REPLACE MACRO from_unixtime(x) AS to_timestamp(x)',
  // Trino's approx_percentile returns a value of the column (a quantile of its digest), never an
  // interpolation; quantile_disc is the exact counterpart: the nearest-rank value, ceil(n * p)-th.
  'CREATE OR REPLACE MACRO approx_percentile(x, p) AS quantile_disc(x, p)',
  // Exact where Trino estimates (standard error 2.3%); exact is what a local lake can afford.
  'CREATE OR REPLACE MACRO approx_distinct(x) AS count(DISTINCT x)',
  'CREATE OR REPLACE MACRO regexp_like(s, p) AS regexp_matches(s, p)',
];
