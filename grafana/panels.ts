/**
 * The accesslake dashboard's panels, one definition for both dashboards: the Grafana dashboard JSON
 * (grafana/dashboard.ts, over Athena) and the local page of `accesslake dashboard` (dashboard/, over
 * DuckDB). Each panel is a named query (athena/queries/<name>.sql) run for the dashboard's time range,
 * plus how to draw it. Queries return the minute or hour as ISO text (the same SQL runs on DuckDB), so
 * time-series panels convert that column to time (Grafana with a transformation, the page in its script).
 */
import type { NamedQueryName } from '../query/index.ts';

/**
 * A figure for the whole range computed from a panel's rows, shown above the local page's charts:
 * the sum of a column, the ratio of two columns' sums, or the first row's value (a table's top entry).
 * Grafana shows the panels themselves; these are the page's summary line.
 */
export interface Headline {
  /** Stable name, the page's `data-headline` attribute. */
  id: string;
  label: string;
  value: { sum: string } | { ratio: [numerator: string, denominator: string] } | { first: string };
  /** As in {@link PanelSpec.unit}. */
  unit?: string;
}

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
  /** Grafana's 24-column grid; the page lays its panels out on the same grid. */
  grid: { x: number; y: number; w: number; h: number };
  /** Figures for the whole range from this panel's rows (the local page only). */
  headlines?: Headline[];
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
    headlines: [
      { id: 'requests', label: 'Requests', value: { sum: 'requests' }, unit: 'short' },
      {
        id: 'error-rate',
        label: 'Server errors (5xx)',
        value: { ratio: ['server_errors', 'requests'] },
        unit: 'percentunit',
      },
      {
        id: 'client-error-rate',
        label: 'Client errors (4xx)',
        value: { ratio: ['client_errors', 'requests'] },
        unit: 'percentunit',
      },
    ],
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
    headlines: [{ id: 'bytes-served', label: 'Bytes served', value: { sum: 'bytes_sent' }, unit: 'bytes' }],
  },
  {
    query: 'top-paths',
    title: 'Top paths',
    description: 'The 20 most requested paths (query string dropped).',
    type: 'table',
    fields: { bytes_sent: { unit: 'bytes' }, p95: { unit: 's' } },
    grid: { x: 0, y: 18, w: 12, h: 10 },
    headlines: [{ id: 'top-path', label: 'Top path', value: { first: 'path' } }],
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
