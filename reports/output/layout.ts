/**
 * Where a report's files go, relative to the output root (`--out`). Each format has its own tree with
 * hive-style `kind=`/`period=` folders, so a table (Athena/Glue, DuckDB `read_parquet(…, hive_partitioning
 * = true)`) over `reports/parquet/` reads every report ever written and nothing else; docs/reports.md
 * shows both. Keys are a pure function of the period: a re-run replaces the report it re-computes.
 *
 *   reports/parquet/kind=weekly/period=2025-W02/accesslake-weekly-2025-W02.parquet
 *   reports/csv/kind=weekly/period=2025-W02/accesslake-weekly-2025-W02.csv.gz
 *   reports/summary/kind=weekly/period=2025-W02/summary.md  (and summary.html)
 */
import type { ReportPeriod } from '../period/resolve-period.ts';

export const REPORTS_PREFIX = 'reports';

export interface ReportKeys {
  /** Parquet keys: one, unless Athena wrote its output in several parts (`…-part-2.parquet`, …). */
  parquet: (parts: number) => string[];
  csv: string;
  markdown: string;
  html: string;
}

/**
 * The `period=` value: the label, plus the zone when it is not UTC, so reports of the same week in two
 * zones never overwrite each other. Slashes and `+` are not key-safe and become `.` and `plus`.
 */
export function periodSegment(period: ReportPeriod): string {
  if (period.timeZone === 'UTC') return period.label;
  return `${period.label}_${period.timeZone.replaceAll('/', '.').replaceAll('+', 'plus')}`;
}

/** The keys of the report for `period`. */
export function reportKeys(period: ReportPeriod): ReportKeys {
  const folder = (format: string) =>
    `${REPORTS_PREFIX}/${format}/kind=${period.kind}/period=${periodSegment(period)}`;
  const base = `accesslake-${period.kind}-${periodSegment(period)}`;
  return {
    parquet: (parts) =>
      Array.from({ length: parts }, (_, i) =>
        i === 0
          ? `${folder('parquet')}/${base}.parquet`
          : `${folder('parquet')}/${base}-part-${i + 1}.parquet`,
      ),
    csv: `${folder('csv')}/${base}.csv.gz`,
    markdown: `${folder('summary')}/summary.md`,
    html: `${folder('summary')}/summary.html`,
  };
}
