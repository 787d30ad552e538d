/**
 * The accesslake dashboard's panels: each one is a named query (athena/queries/<name>.sql) run for the
 * dashboard's time range, plus how to draw it. Queries return the minute or hour as ISO text (the same
 * SQL runs on DuckDB), so time-series panels convert that column to time with a transformation.
 */
import type { NamedQueryName } from '../query/named-queries.ts';

export interface PanelSpec {
  query: NamedQueryName;
  title: string;
  description: string;
  type: 'timeseries' | 'table';
  /** Column holding the ISO time of each row (time series only). */
  timeField?: string;
  /** Long → wide: one series per value of this column. */
  seriesBy?: string;
  /** Columns not drawn. */
  hide?: string[];
  unit?: string;
  /** Per-column units and placement. */
  fields?: Record<string, { unit?: string; axis?: 'right'; color?: string }>;
  bars?: boolean;
  stacked?: boolean;
  grid: { x: number; y: number; w: number; h: number };
}

export const PANELS: readonly PanelSpec[] = [
  {
    query: 'error-rate',
    title: 'Requests and errors per minute',
    description: 'All requests, 4xx and 5xx per minute; the 5xx share on the right axis.',
    type: 'timeseries',
    timeField: 'minute',
    unit: 'short',
    fields: {
      client_errors: { color: 'orange' },
      server_errors: { color: 'red' },
      error_rate: { unit: 'percentunit', axis: 'right', color: 'purple' },
    },
    grid: { x: 0, y: 0, w: 12, h: 9 },
  },
  {
    query: 'status-classes',
    title: 'Status classes per minute',
    description: 'Requests per minute, stacked by status class.',
    type: 'timeseries',
    timeField: 'minute',
    seriesBy: 'status_class',
    unit: 'short',
    bars: true,
    stacked: true,
    grid: { x: 12, y: 0, w: 12, h: 9 },
  },
  {
    query: 'latency-percentiles',
    title: 'Latency percentiles (request_time)',
    description: 'p50, p95 and p99 of nginx $request_time per minute.',
    type: 'timeseries',
    timeField: 'minute',
    hide: ['requests'],
    unit: 's',
    grid: { x: 0, y: 9, w: 12, h: 9 },
  },
  {
    query: 'bytes-served',
    title: 'Bytes served per hour',
    description: 'Body bytes sent to clients per hour.',
    type: 'timeseries',
    timeField: 'hour_start',
    hide: ['requests', 'avg_bytes'],
    unit: 'bytes',
    bars: true,
    grid: { x: 12, y: 9, w: 12, h: 9 },
  },
  {
    query: 'top-paths',
    title: 'Top paths',
    description: 'The 20 most requested paths (query string dropped).',
    type: 'table',
    fields: { bytes_sent: { unit: 'bytes' }, p95: { unit: 's' } },
    grid: { x: 0, y: 18, w: 12, h: 10 },
  },
  {
    query: 'top-clients',
    title: 'Top clients',
    description: 'The 20 busiest client addresses.',
    type: 'table',
    fields: { bytes_sent: { unit: 'bytes' } },
    grid: { x: 12, y: 18, w: 12, h: 10 },
  },
  {
    query: 'top-user-agents',
    title: 'Top user agents',
    description: 'The 20 most frequent user agents and how many clients sent each.',
    type: 'table',
    grid: { x: 0, y: 28, w: 12, h: 10 },
  },
  {
    query: 'slow-requests',
    title: 'Slowest requests',
    description: 'The 50 slowest requests in the range.',
    type: 'table',
    fields: { request_time: { unit: 's' } },
    grid: { x: 12, y: 28, w: 12, h: 10 },
  },
];
