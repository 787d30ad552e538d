/**
 * The canonical access-log record: one JSON object per line in the lake, whatever format nginx wrote.
 * The field rules are written down in docs/record.md, the contract for users and code alike.
 */
export interface CanonicalRecord {
  /** Event time, ISO-8601 UTC with milliseconds: `2025-01-10T14:31:02.000Z`. */
  ts: string;
  remote_addr: string;
  /** HTTP method token, upper case; null when nginx logged a request it could not parse (docs/record.md). */
  method: string | null;
  /** Request URI including the query string, at most {@link MAX_PATH_BYTES}; null as `method`. */
  path: string | null;
  /** e.g. `HTTP/1.1`; null for HTTP/0.9 and as `method`. */
  protocol: string | null;
  /** nginx's `$status`: an integer 0–999 (nginx prints it with `%03ui`; 0 when no status was set). */
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
  /** Fields the format carried beyond the canonical ones, under the ingest's `extra` policy. */
  extra?: ExtraFields;
}

export const MAX_PATH_BYTES = 8 * 1024;

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

/**
 * A record's `extra` map: a null-prototype object, so every key is an own, ordinary property. The policy
 * that fills it (key rules, limits) is the ingest's `ingest/records/extra.ts` (docs/record.md, "extra").
 */
export type ExtraFields = Record<string, string>;
