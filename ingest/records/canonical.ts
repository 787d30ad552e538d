/**
 * The canonical access-log record: one JSON object per line in the lake, whatever format nginx wrote.
 * The field rules are the contract in shared/DESIGN.md; docs/record.md repeats them for users.
 */
export interface CanonicalRecord {
  /** Event time, ISO-8601 UTC with milliseconds: `2025-01-10T14:31:02.000Z`. */
  ts: string;
  remote_addr: string;
  /** HTTP method token, upper case. */
  method: string;
  /** Request URI including the query string, at most {@link MAX_PATH_BYTES}. */
  path: string;
  protocol: string | null;
  status: number;
  bytes_sent: number;
  /** Seconds. */
  request_time: number | null;
  user_agent: string | null;
  referer: string | null;
  session_id: string | null;
  host: string | null;
  x_forwarded_for: string | null;
  /** Kept as nginx wrote it: it can be a list such as `0.001, 0.002`. */
  upstream_response_time: string | null;
  /** The agent's source label. */
  source: string;
  /** Fields the format carried beyond the canonical ones, bounded by {@link EXTRA_LIMITS}. */
  extra?: Record<string, string>;
}

export const MAX_PATH_BYTES = 8 * 1024;

/** Bounds on kept extra fields, so one odd format cannot bloat every object or the crawler's schema. */
export const EXTRA_LIMITS = { maxFields: 32, maxKeyLength: 64, maxValueLength: 2048 } as const;

/** The canonical columns in lake order; the Athena DDL and DuckDB view are built from this list. */
export const CANONICAL_COLUMNS = [
  ['ts', 'string'],
  ['remote_addr', 'string'],
  ['method', 'string'],
  ['path', 'string'],
  ['protocol', 'string'],
  ['status', 'int'],
  ['bytes_sent', 'bigint'],
  ['request_time', 'double'],
  ['user_agent', 'string'],
  ['referer', 'string'],
  ['session_id', 'string'],
  ['host', 'string'],
  ['x_forwarded_for', 'string'],
  ['upstream_response_time', 'string'],
  ['source', 'string'],
  ['extra', 'map<string,string>'],
] as const;

/** What a parser or validator returns for one line: the value, or a reason a person can act on. */
export type Result<T> = { success: true; data: T } | { success: false; error: string };

export const ok = <T>(data: T): Result<T> => ({ success: true, data });
export const fail = <T = never>(error: string): Result<T> => ({ success: false, error });
