/**
 * Fields as a format produced them → the canonical record. Formats name fields either canonically
 * (`status`, `path`) or by their nginx variable (`body_bytes_sent`, `http_user_agent`, `time_local`);
 * the alias table below maps both, so every format shares one set of validation rules.
 */
import { type CanonicalRecord, EXTRA_LIMITS, fail, MAX_PATH_BYTES, ok, type Result } from './canonical.ts';
import { isIP } from './ip.ts';
import { parseEpochSeconds, parseIso8601, parseTimeLocal, toIsoUtc } from './time.ts';

export type FieldValue = string | number | boolean | null | undefined;
/** One parsed line, before validation: field name → value as the format carried it. */
export type FieldMap = Record<string, FieldValue>;

/**
 * Canonical field → the names a format may use for it, first match wins. The readers below spell these
 * names out as plain property reads (monomorphic inline caches instead of a keyed lookup per name, the
 * hot path's largest cost); test/ingest/normalize.test.ts checks every name here is read.
 */
export const FIELD_ALIASES = {
  remote_addr: ['remote_addr', 'client_ip', 'realip_remote_addr'],
  method: ['method', 'request_method'],
  path: ['path', 'request_uri'],
  protocol: ['protocol', 'server_protocol'],
  status: ['status'],
  bytes_sent: ['bytes_sent', 'body_bytes_sent'],
  request_time: ['request_time'],
  user_agent: ['user_agent', 'http_user_agent'],
  referer: ['referer', 'http_referer'],
  session_id: ['session_id', 'cookie_session', 'cookie_sessionid', 'cookie_session_id'],
  host: ['host', 'http_host', 'server_name'],
  x_forwarded_for: ['x_forwarded_for', 'http_x_forwarded_for'],
  upstream_response_time: ['upstream_response_time'],
} as const satisfies Record<string, readonly string[]>;

const TIME_FIELDS = {
  iso: ['ts', 'time_iso8601', 'time', 'timestamp'],
  local: ['time_local'],
  epoch: ['msec'],
} as const;

/** Names consumed by the mapping, never copied into `extra`. */
const CONSUMED = new Set<string>([
  ...Object.values(FIELD_ALIASES).flat(),
  ...Object.values(TIME_FIELDS).flat(),
  'request',
  'uri',
  'args',
  'query_string',
  'source',
  'extra',
]);

const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const PROTOCOL = /^[A-Z][A-Z0-9-]*\/\d+(?:\.\d+)?$/;
const textEncoder = new TextEncoder();

/**
 * Validates and normalizes one line's fields. The error names the first field that failed, e.g.
 * `status: expected an integer 100–599, got "abc"`.
 */
export function normalizeFields(fields: FieldMap, source: string): Result<CanonicalRecord> {
  const ts = readTime(fields);
  if (typeof ts !== 'string') return ts;

  const remoteAddr = text(first(fields.remote_addr, first(fields.client_ip, fields.realip_remote_addr)));
  if (remoteAddr === null) return fail('remote_addr: missing');
  if (!isIP(remoteAddr)) return fail(`remote_addr: not an IPv4/IPv6 address: ${quote(remoteAddr)}`);

  const request = readRequest(fields);
  if (!request.success) return request;

  const rawStatus = fields.status;
  const status = integer(rawStatus);
  if (status === undefined || status < 100 || status > 599) {
    return fail(`status: expected an integer 100–599, got ${quote(rawStatus)}`);
  }

  const rawBytes = first(fields.bytes_sent, fields.body_bytes_sent);
  const bytesSent = integer(rawBytes);
  if (bytesSent === undefined || bytesSent < 0)
    return fail(`bytes_sent: expected an integer ≥ 0, got ${quote(rawBytes)}`);

  const rawRequestTime = fields.request_time;
  const requestTime = optionalNumber(rawRequestTime);
  if (requestTime === undefined || (requestTime !== null && requestTime < 0)) {
    return fail(`request_time: expected seconds ≥ 0, got ${quote(rawRequestTime)}`);
  }

  const record: CanonicalRecord = {
    ts,
    remote_addr: remoteAddr,
    method: request.method,
    path: request.path,
    protocol: request.protocol,
    status,
    bytes_sent: bytesSent,
    request_time: requestTime,
    user_agent: text(first(fields.user_agent, fields.http_user_agent)),
    referer: text(first(fields.referer, fields.http_referer)),
    session_id: text(
      first(
        fields.session_id,
        first(fields.cookie_session, first(fields.cookie_sessionid, fields.cookie_session_id)),
      ),
    ),
    host: text(first(fields.host, first(fields.http_host, fields.server_name))),
    x_forwarded_for: text(first(fields.x_forwarded_for, fields.http_x_forwarded_for)),
    upstream_response_time: text(fields.upstream_response_time),
    source,
  };
  const extra = collectExtra(fields);
  if (extra) record.extra = extra;
  return ok(record);
}

type Failure = { success: false; error: string };
const failure = (error: string): Failure => ({ success: false, error });

/** The canonical `ts`, or why the line's time is unusable. */
function readTime(fields: FieldMap): string | Failure {
  // $msec carries milliseconds, so it wins over the second-precision text forms when both are logged.
  const msec = fields.msec;
  if (msec !== undefined && msec !== null && msec !== '-') {
    const ms = parseEpochSeconds(typeof msec === 'number' ? msec : String(msec));
    if (ms === undefined)
      return failure(`msec: expected epoch seconds like 1736519462.123, got ${quote(msec)}`);
    if (typeof ms === 'string') return failure(`msec: ${ms}, got ${quote(msec)}`);
    return toIsoUtc(ms);
  }
  // TIME_FIELDS.iso, in order.
  if (fields.ts !== undefined && fields.ts !== null) return isoTime('ts', fields.ts);
  if (fields.time_iso8601 !== undefined && fields.time_iso8601 !== null)
    return isoTime('time_iso8601', fields.time_iso8601);
  if (fields.time !== undefined && fields.time !== null) return isoTime('time', fields.time);
  if (fields.timestamp !== undefined && fields.timestamp !== null)
    return isoTime('timestamp', fields.timestamp);
  const local = fields.time_local;
  if (local !== undefined && local !== null) {
    const ms = typeof local === 'string' ? parseTimeLocal(local) : undefined;
    if (ms === undefined)
      return failure(`time_local: expected time like 10/Jan/2025:14:31:02 +0000, got ${quote(local)}`);
    if (typeof ms === 'string') return failure(`time_local: ${ms}, got ${quote(local)}`);
    return toIsoUtc(ms);
  }
  return failure('ts: missing (log $time_iso8601, $time_local or $msec)');
}

function isoTime(name: string, value: FieldValue): string | Failure {
  const ms = typeof value === 'string' ? parseIso8601(value) : undefined;
  if (ms === undefined)
    return failure(`${name}: expected ISO-8601 time like 2025-01-10T14:31:02+00:00, got ${quote(value)}`);
  if (typeof ms === 'string') return failure(`${name}: ${ms}, got ${quote(value)}`);
  return toIsoUtc(ms);
}

interface RequestLine {
  success: true;
  method: string;
  path: string;
  protocol: string | null;
}

function readRequest(fields: FieldMap): RequestLine | Failure {
  let method = text(first(fields.method, fields.request_method));
  let path = text(first(fields.path, fields.request_uri));
  let protocol = text(first(fields.protocol, fields.server_protocol));

  if (method === null || path === null) {
    const request = text(fields.request);
    if (request !== null) {
      // "$request" is "GET /path?q HTTP/1.1"; HTTP/0.9 requests carry no protocol.
      const parts = request.split(' ');
      if (parts.length < 2 || parts.length > 3)
        return failure(`request: expected "METHOD URI PROTOCOL", got ${quote(request)}`);
      method ??= parts[0]!;
      path ??= parts[1]!;
      protocol ??= parts[2] ?? null;
    } else if (path === null) {
      const uri = text(fields.uri);
      if (uri !== null) {
        const args = text(fields.args) ?? text(fields.query_string);
        path = args === null ? uri : `${uri}?${args}`;
      }
    }
  }

  if (method === null) return failure('method: missing (log $request or $request_method)');
  if (!HTTP_TOKEN.test(method)) return failure(`method: not an HTTP token: ${quote(method)}`);
  if (path === null) return failure('path: missing (log $request or $request_uri)');
  // A UTF-16 unit is at most 3 UTF-8 bytes: only long paths need the exact (allocating) byte count.
  if (path.length * 3 > MAX_PATH_BYTES && textEncoder.encode(path).length > MAX_PATH_BYTES) {
    return failure(`path: longer than ${MAX_PATH_BYTES} bytes`);
  }
  if (protocol !== null && !PROTOCOL.test(protocol))
    return failure(`protocol: expected e.g. HTTP/1.1, got ${quote(protocol)}`);
  return { success: true, method: method.toUpperCase(), path, protocol };
}

/** A field under its first name, else under the next: a logged `null` still counts as present. */
function first(value: FieldValue, otherwise: FieldValue): FieldValue {
  return value !== undefined ? value : otherwise;
}

/** nginx writes `-` for an empty variable; empty and `-` both become null. */
function text(value: FieldValue): string | null {
  if (value === undefined || value === null) return null;
  const s = String(value);
  return s === '' || s === '-' ? null : s;
}

function integer(value: FieldValue): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

/** null for "absent"; undefined for "present but not a number". */
function optionalNumber(value: FieldValue): number | null | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const s = text(value);
  if (s === null) return null;
  return /^\d+(?:\.\d+)?$/.test(s) ? Number(s) : undefined;
}

function collectExtra(fields: FieldMap): Record<string, string> | undefined {
  let extra: Record<string, string> | undefined;
  let count = 0;
  for (const key in fields) {
    const value = fields[key];
    if (CONSUMED.has(key) || value === undefined || value === null || value === '' || value === '-') continue;
    if (count >= EXTRA_LIMITS.maxFields) break;
    const name = key.slice(0, EXTRA_LIMITS.maxKeyLength);
    extra ??= {};
    extra[name] = String(value).slice(0, EXTRA_LIMITS.maxValueLength);
    count++;
  }
  return extra;
}

function quote(value: unknown): string {
  const s = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
