/**
 * The named queries: the `.sql` templates in `athena/queries/` (one per name in NAMED_QUERIES below; docs/queries.md) and
 * the one place their placeholders are filled (docs/architecture.md, "Named-query templates"):
 * `{{from_ts}}`/`{{to_ts}}` are ISO-8601 UTC with milliseconds, `{{from_hour}}`/`{{to_hour}}` are
 * `YYYYMMDDHH` for the partition predicate.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../lib/errors/index.ts';

export const NAMED_QUERIES = [
  'status-classes',
  'error-rate',
  'latency-percentiles',
  'top-paths',
  'slow-requests',
  'top-clients',
  'top-user-agents',
  'bytes-served',
] as const;

export type NamedQueryName = (typeof NAMED_QUERIES)[number];

/** A half-open time range `[from, to)`. */
export interface TimeRange {
  from: Date;
  to: Date;
}

const QUERIES_DIR = new URL('../athena/queries/', import.meta.url);
const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;
const KNOWN_PLACEHOLDERS = new Set(['from_ts', 'to_ts', 'from_hour', 'to_hour']);

export function isNamedQuery(name: string): name is NamedQueryName {
  return (NAMED_QUERIES as readonly string[]).includes(name);
}

/** The template's text, placeholders unfilled. Throws ConfigError listing the names for an unknown one. */
export async function loadNamedQuery(name: string): Promise<string> {
  if (!isNamedQuery(name)) {
    throw new ConfigError(
      `no named query ${JSON.stringify(name)}; the names are: ${NAMED_QUERIES.join(', ')}`,
    );
  }
  return readFile(new URL(`${name}.sql`, QUERIES_DIR), 'utf8');
}

/**
 * The named query for `[from, to)`, ready to run on either engine.
 *
 * @example
 * const sql = await renderNamedQuery('error-rate', { from: new Date(Date.now() - 3_600_000), to: new Date() });
 */
export async function renderNamedQuery(name: NamedQueryName, range: TimeRange): Promise<string> {
  return renderTemplate(await loadNamedQuery(name), range);
}

/** The placeholder values for a range; `to` is exclusive, so `to_hour` is the hour of its last millisecond. */
export function placeholderValues(range: TimeRange): Record<string, string> {
  const from = range.from.getTime();
  const to = range.to.getTime();
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new ConfigError('time range: invalid date');
  if (from >= to) {
    throw new ConfigError(
      `time range: from (${range.from.toISOString()}) must be before to (${range.to.toISOString()})`,
    );
  }
  return {
    from_ts: range.from.toISOString(),
    to_ts: range.to.toISOString(),
    from_hour: hourKey(new Date(from)),
    to_hour: hourKey(new Date(to - 1)),
  };
}

/** Fills the four placeholders in any SQL; an unknown `{{name}}` is an error, not left in the SQL. */
export function renderTemplate(sql: string, range: TimeRange): string {
  const values = placeholderValues(range);
  return sql.replace(PLACEHOLDER, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) {
      throw new ConfigError(
        `unknown placeholder {{${key}}}; the query layer fills ${[...KNOWN_PLACEHOLDERS].map((k) => `{{${k}}}`).join(', ')}`,
      );
    }
    return value;
  });
}

/**
 * The template with a window relative to the moment it runs (`the last N hours`), for the named queries
 * saved in the Athena workgroup, which the console runs as they are. Each quoted placeholder becomes a
 * Trino expression; the seconds-precision bound compares correctly with the canonical `ts` as text.
 */
export function renderRelativeTemplate(sql: string, hours: number): string {
  const since = `current_timestamp - INTERVAL '${hours}' HOUR`;
  const expressions: Record<string, string> = {
    from_ts: `date_format(${since}, '%Y-%m-%dT%H:%i:%s.000Z')`,
    to_ts: `date_format(current_timestamp + INTERVAL '1' SECOND, '%Y-%m-%dT%H:%i:%s.000Z')`,
    from_hour: `date_format(${since}, '%Y%m%d%H')`,
    to_hour: `date_format(current_timestamp, '%Y%m%d%H')`,
  };
  return sql.replace(/'\{\{\s*([a-z_]+)\s*\}\}'/g, (match, key: string) => expressions[key] ?? match);
}

/** `2025-01-10T14:…Z` → `2025011014` (UTC). */
export function hourKey(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}`;
}
