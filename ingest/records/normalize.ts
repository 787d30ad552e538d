/**
 * Fields as a format produced them → the canonical record. Formats name fields either canonically
 * (`status`, `path`) or by their nginx variable (`body_bytes_sent`, `http_user_agent`, `time_local`);
 * the alias table below maps both, so every format shares one set of validation rules.
 */

import type { FieldMap, FieldValue } from '../../formats/index.ts';
import { type CanonicalRecord, MAX_PATH_BYTES } from '../../lake-contract/index.ts';
import { fail, ok, type Result } from '../../lib/result/index.ts';
import { FIELD_ALIASES, pick, pick3, S, SLOT_OF, winners } from './aliases.ts';
import { isDecimal, isHttpToken } from './chars.ts';
import { ExtraCollector, type ExtraFields } from './extra.ts';
import { isIP } from './ip.ts';
import { parseRequestLine, printableRequest, splitAbsoluteTarget } from './request-line.ts';
import { parseEpochSeconds, parseIso8601, parseTimeLocal, toIsoUtc } from './time.ts';

export type { FieldMap, FieldValue };

export { FIELD_ALIASES };

const PROTOCOL = /^[A-Z][A-Z0-9-]*\/\d+(?:\.\d+)?$/;
const textEncoder = new TextEncoder();

/**
 * Validates and normalizes one line's fields. The error names the first field that failed, e.g.
 * `status: expected an integer 0–999, got "abc"`. Of several fields that map to one canonical field
 * only the winner (the first present, in {@link FIELD_ALIASES} order) is consumed; the others go to
 * `extra` under the policy of extra.ts, like every field without a canonical column.
 */
export function normalizeFields(fields: FieldMap, source: string): Result<CanonicalRecord> {
  const ts = readTime(fields);
  if (typeof ts !== 'string') return ts;

  const remoteAddr = text(
    pick3(
      S.remote_addr,
      fields.remote_addr,
      'remote_addr',
      fields.client_ip,
      'client_ip',
      fields.realip_remote_addr,
      'realip_remote_addr',
    ),
  );
  if (remoteAddr === null) return fail('remote_addr: missing');
  if (!isIP(remoteAddr)) return fail(`remote_addr: not an IPv4/IPv6 address: ${quote(remoteAddr)}`);

  const failed = readRequest(fields);
  if (failed !== undefined) return failed;

  const rawStatus = fields.status;
  winners[S.status] = 'status';
  const status = integer(rawStatus);
  if (status === undefined || status > 999) {
    return fail(`status: expected an integer 0–999, got ${quote(rawStatus)}`);
  }

  const rawBytes = pick(
    S.bytes_sent,
    fields.body_bytes_sent,
    'body_bytes_sent',
    fields.bytes_sent,
    'bytes_sent',
  );
  const bytesSent = integer(rawBytes);
  if (bytesSent === undefined) return fail(`bytes_sent: expected an integer ≥ 0, got ${quote(rawBytes)}`);

  const rawRequestTime = fields.request_time;
  winners[S.request_time] = 'request_time';
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
    user_agent: text(
      pick(S.user_agent, fields.user_agent, 'user_agent', fields.http_user_agent, 'http_user_agent'),
    ),
    referer: text(pick(S.referer, fields.referer, 'referer', fields.http_referer, 'http_referer')),
    session_id: text(readSessionId(fields)),
    host:
      text(
        pick3(S.host, fields.host, 'host', fields.http_host, 'http_host', fields.server_name, 'server_name'),
      ) ?? request.host,
    x_forwarded_for: text(
      pick(
        S.x_forwarded_for,
        fields.x_forwarded_for,
        'x_forwarded_for',
        fields.http_x_forwarded_for,
        'http_x_forwarded_for',
      ),
    ),
    upstream_response_time: text(
      pick(S.upstream_response_time, fields.upstream_response_time, 'upstream_response_time', undefined, ''),
    ),
    source,
  };
  const extra = collectExtra(fields, request.raw);
  if (extra) record.extra = extra;
  return ok(record);
}

function readSessionId(fields: FieldMap): FieldValue {
  const a = pick(S.session_id, fields.session_id, 'session_id', fields.cookie_session, 'cookie_session');
  if (a !== undefined) return a;
  return pick(
    S.session_id,
    fields.cookie_sessionid,
    'cookie_sessionid',
    fields.cookie_session_id,
    'cookie_session_id',
  );
}

type Failure = { success: false; error: string };
const failure = (error: string): Failure => ({ success: false, error });

/** The canonical `ts`, or why the line's time is unusable; the first present of FIELD_ALIASES.ts wins. */
function readTime(fields: FieldMap): string | Failure {
  const msec = fields.msec;
  if (msec !== undefined && msec !== null && msec !== '-') {
    winners[S.ts] = 'msec';
    const ms = parseEpochSeconds(typeof msec === 'number' ? msec : String(msec));
    if (ms === undefined)
      return failure(
        `msec: expected epoch seconds like 1736519462.123 (0 to 253402300799.999: 1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z), got ${quote(msec)}`,
      );
    if (typeof ms === 'string') return failure(`msec: ${ms}, got ${quote(msec)}`);
    return toIsoUtc(ms);
  }
  if (fields.ts !== undefined && fields.ts !== null) return isoTime('ts', fields.ts);
  if (fields.time_iso8601 !== undefined && fields.time_iso8601 !== null)
    return isoTime('time_iso8601', fields.time_iso8601);
  if (fields.time !== undefined && fields.time !== null) return isoTime('time', fields.time);
  if (fields.timestamp !== undefined && fields.timestamp !== null)
    return isoTime('timestamp', fields.timestamp);
  const local = fields.time_local;
  if (local !== undefined && local !== null) {
    winners[S.ts] = 'time_local';
    const ms = typeof local === 'string' ? parseTimeLocal(local) : undefined;
    if (ms === undefined)
      return failure(`time_local: expected time like 10/Jan/2025:14:31:02 +0000, got ${quote(local)}`);
    if (typeof ms === 'string') return failure(`time_local: ${ms}, got ${quote(local)}`);
    return toIsoUtc(ms);
  }
  return failure('ts: missing (log $time_iso8601, $time_local or $msec)');
}

function isoTime(name: string, value: FieldValue): string | Failure {
  winners[S.ts] = name;
  const ms = typeof value === 'string' ? parseIso8601(value) : undefined;
  if (ms === undefined)
    return failure(`${name}: expected ISO-8601 time like 2025-01-10T14:31:02+00:00, got ${quote(value)}`);
  if (typeof ms === 'string') return failure(`${name}: ${ms}, got ${quote(value)}`);
  return toIsoUtc(ms);
}

interface RequestFields {
  method: string | null;
  path: string | null;
  protocol: string | null;
  /** The host of an absolute-form target. */
  host: string | null;
  /** `$request` when it is no request line, made printable for `extra.request`; else null. */
  raw: string | null;
}

/**
 * What {@link readRequest} read from the line being normalized. normalizeFields is synchronous, so one
 * module-level object serves every call (like `winners`) instead of one allocated per line.
 */
const request: RequestFields = { method: null, path: null, protocol: null, host: null, raw: null };

/**
 * Method, path and protocol from their own fields, else from `$request` (request-line.ts), else the
 * path from `$uri` + `?` + `$args`. A line whose format logs no request at all is rejected; a request
 * nginx logged but could not parse (empty, `-`, binary bytes, a TLS handshake) keeps all three null.
 */
function readRequest(fields: FieldMap): Failure | undefined {
  const rawMethod = pick(S.method, fields.method, 'method', fields.request_method, 'request_method');
  const rawPath = pick(S.path, fields.path, 'path', fields.request_uri, 'request_uri');
  const rawProtocol = pick(
    S.protocol,
    fields.protocol,
    'protocol',
    fields.server_protocol,
    'server_protocol',
  );
  let method = text(rawMethod);
  // A method read from $request is already a token, upper-cased (request-line.ts).
  const loggedMethod = method;
  let path = text(rawPath);
  let protocol = text(rawProtocol);
  const loggedProtocol = protocol;
  let host: string | null = null;
  winners[S.request] = null;
  winners[S.uri] = null;
  winners[S.args] = null;
  winners[S.query_string] = null;

  const requestValue = fields.request;
  if ((method === null || path === null || protocol === null) && requestValue !== undefined) {
    const requestText = text(requestValue);
    const line = requestText === null ? null : parseRequestLine(requestText);
    if (line !== null) {
      winners[S.request] = 'request';
      method ??= line.method;
      path ??= line.path;
      protocol ??= line.protocol;
      host = line.host;
    } else if (method === null || path === null) {
      return unreadable(requestText === null ? null : printableRequest(requestText));
    }
  } else if (path === null) {
    const uri = text(fields.uri);
    if (uri !== null) {
      winners[S.uri] = 'uri';
      let args = text(fields.args);
      if (args !== null) winners[S.args] = 'args';
      else {
        args = text(fields.query_string);
        if (args !== null) winners[S.query_string] = 'query_string';
      }
      path = args === null ? uri : `${uri}?${args}`;
    }
  }

  if (method === null) {
    if (rawMethod === undefined && requestValue === undefined)
      return failure('method: missing (log $request or $request_method)');
    return unreadable(null);
  }
  if (path === null) {
    if (rawPath === undefined && requestValue === undefined && fields.uri === undefined)
      return failure('path: missing (log $request or $request_uri)');
    return unreadable(null);
  }
  if (method === loggedMethod && !isHttpToken(method)) return unreadable(null);
  if (path.charCodeAt(0) !== 0x2f) {
    const absolute = splitAbsoluteTarget(path);
    path = absolute.path;
    host ??= absolute.host;
  }
  // A UTF-16 unit is at most 3 UTF-8 bytes: only long paths need the exact (allocating) byte count.
  if (path.length * 3 > MAX_PATH_BYTES && textEncoder.encode(path).length > MAX_PATH_BYTES) {
    return failure(`path: longer than ${MAX_PATH_BYTES} bytes`);
  }
  // A protocol read from $request already passed request-line.ts's stricter HTTP/x.y check.
  if (protocol !== null && protocol === loggedProtocol && !PROTOCOL.test(protocol))
    return failure(`protocol: expected e.g. HTTP/1.1, got ${quote(protocol)}`);
  request.method = method === loggedMethod ? method.toUpperCase() : method;
  request.path = path;
  request.protocol = protocol;
  request.host = host;
  request.raw = null;
  return undefined;
}

/** No request could be read: the three request fields are null and nothing of the request is consumed. */
function unreadable(raw: string | null): undefined {
  winners[S.method] = null;
  winners[S.path] = null;
  winners[S.protocol] = null;
  winners[S.request] = null;
  winners[S.uri] = null;
  winners[S.args] = null;
  winners[S.query_string] = null;
  request.method = null;
  request.path = null;
  request.protocol = null;
  request.host = null;
  request.raw = raw;
  return undefined;
}

/** nginx writes `-` for an empty variable; empty and `-` both become null. */
function text(value: FieldValue): string | null {
  // Strings first, without String(): nearly every value is one, and the call showed in the profile.
  if (typeof value === 'string') return value === '' || value === '-' ? null : value;
  if (value === undefined || value === null) return null;
  const s = String(value);
  return s === '' || s === '-' ? null : s;
}

function integer(value: FieldValue): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 15) return undefined;
  // Digits summed as they are checked: exact below 2^53, which 15 digits are.
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

/** null for "absent"; undefined for "present but not a number". */
function optionalNumber(value: FieldValue): number | null | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const s = text(value);
  if (s === null) return null;
  return isDecimal(s, 0, s.length) ? Number(s) : undefined;
}

/**
 * The slot of the `i`th key seen on the previous line. A format's lines have the same keys in the same
 * order (the same string objects, for the log_format parser), so comparing with the previous line's key
 * almost always replaces the map lookup, which was the largest cost of this loop.
 */
const MAX_CACHED_KEYS = 64;
const lastKeys: string[] = [];
const lastSlots: (number | undefined)[] = [];

/** Every field that is not a winner, in line order, under the extra policy (extra.ts). */
function collectExtra(fields: FieldMap, rawRequest: string | null): ExtraFields | undefined {
  let extra: ExtraCollector | undefined;
  let i = 0;
  for (const key in fields) {
    const position = i++;
    const value = fields[key];
    if (value === undefined || value === null || value === '' || value === '-') continue;
    let index: number | undefined;
    if (lastKeys[position] === key) index = lastSlots[position];
    else {
      index = SLOT_OF.get(key);
      // Bounded: a JSON line may have any number of keys; formats have a few dozen.
      if (position < MAX_CACHED_KEYS) {
        lastKeys[position] = key;
        lastSlots[position] = index;
      }
    }
    if (index !== undefined && winners[index] === key) continue;
    extra ??= new ExtraCollector();
    extra.add(key, key === 'request' && rawRequest !== null ? rawRequest : String(value));
  }
  return extra?.result();
}

function quote(value: unknown): string {
  const s = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
