/**
 * The report as data: the rows of the report table (one per dimension and key, see
 * sql/report-query.ts) and the sections the summary shows, cut from those rows.
 */
import type { ReportPeriod } from './period/resolve-period.ts';
import { DIMENSIONS, type Dimension } from './sql/report-query.ts';

export interface ReportRow {
  dimension: Dimension;
  /** The day, status class, path, client address or user agent; `null` for the total. */
  key: string | null;
  requests: number;
  bytesSent: number;
  clientErrors: number;
  serverErrors: number;
  /** Share of requests answered 5xx; `null` without requests. */
  errorRate: number | null;
  /** request_time percentiles in seconds; `null` when no request logged one. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  rankRequests: number;
  rankErrors: number;
}

export interface ReportSections {
  total: ReportRow;
  daily: ReportRow[];
  statusClasses: ReportRow[];
  topPaths: ReportRow[];
  topClients: ReportRow[];
  topUserAgents: ReportRow[];
  /** Paths with the most 4xx + 5xx answers, only those with at least one. */
  errorHotSpots: ReportRow[];
}

export interface Report {
  period: ReportPeriod;
  top: number;
  rows: ReportRow[];
  sections: ReportSections;
  /** No request fell in the period. */
  empty: boolean;
}

/** Turns query rows (either engine) into typed report rows. Throws when a row does not fit the table. */
export function toReportRows(rows: Record<string, unknown>[]): ReportRow[] {
  return rows.map((row, i) => {
    const dimension = row.dimension;
    if (typeof dimension !== 'string' || !(DIMENSIONS as readonly string[]).includes(dimension)) {
      throw new TypeError(`report row ${i}: unexpected dimension ${JSON.stringify(dimension)}`);
    }
    return {
      dimension: dimension as Dimension,
      key: row.key === null || row.key === undefined ? null : String(row.key),
      requests: count(row.requests),
      bytesSent: count(row.bytes_sent),
      clientErrors: count(row.client_errors),
      serverErrors: count(row.server_errors),
      errorRate: optionalNumber(row.error_rate),
      p50: optionalNumber(row.p50),
      p95: optionalNumber(row.p95),
      p99: optionalNumber(row.p99),
      rankRequests: count(row.rank_requests),
      rankErrors: count(row.rank_errors),
    };
  });
}

/** Cuts the rows into the summary's sections, each in its display order. */
export function buildReport(period: ReportPeriod, rows: ReportRow[], top: number): Report {
  const of = (dimension: Dimension) => rows.filter((r) => r.dimension === dimension);
  const byRequests = (list: ReportRow[]) =>
    list.filter((r) => r.rankRequests <= top).sort((a, b) => a.rankRequests - b.rankRequests);
  const total = of('total')[0] ?? emptyTotal();
  const paths = of('path');
  const sections: ReportSections = {
    total,
    daily: of('day').sort((a, b) => (a.key ?? '').localeCompare(b.key ?? '')),
    statusClasses: of('status_class').sort((a, b) => (a.key ?? '').localeCompare(b.key ?? '')),
    topPaths: byRequests(paths),
    topClients: byRequests(of('client')),
    topUserAgents: byRequests(of('user_agent')),
    errorHotSpots: paths
      .filter((r) => r.rankErrors <= top && r.clientErrors + r.serverErrors > 0)
      .sort((a, b) => a.rankErrors - b.rankErrors),
  };
  return { period, top, rows, sections, empty: total.requests === 0 };
}

function emptyTotal(): ReportRow {
  return {
    dimension: 'total',
    key: null,
    requests: 0,
    bytesSent: 0,
    clientErrors: 0,
    serverErrors: 0,
    errorRate: null,
    p50: null,
    p95: null,
    p99: null,
    rankRequests: 1,
    rankErrors: 1,
  };
}

function count(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) throw new TypeError(`report: ${JSON.stringify(value)} is not a count`);
  return n;
}

function optionalNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}
