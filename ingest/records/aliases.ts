/**
 * Which field names feed each canonical field, and which name won on the line being normalized: only the
 * winner is consumed, every other field goes to `extra` (normalize.ts, docs/record.md).
 */
import type { FieldValue } from '../../formats/index.ts';

/**
 * Canonical field → the names a format may use for it, first match wins. normalize.ts's readers spell these
 * names out as plain property reads (monomorphic inline caches instead of a keyed lookup per name, the
 * hot path's largest cost); test/ingest/normalize.test.ts checks every name here is read.
 */
export const FIELD_ALIASES = {
  remote_addr: ['remote_addr', 'client_ip', 'realip_remote_addr'],
  method: ['method', 'request_method'],
  path: ['path', 'request_uri'],
  protocol: ['protocol', 'server_protocol'],
  status: ['status'],
  // The body size first, as in combined: nginx's $bytes_sent (headers included) goes to `extra` when
  // both are logged. A JSON key `bytes_sent` alone is used either way.
  bytes_sent: ['body_bytes_sent', 'bytes_sent'],
  request_time: ['request_time'],
  user_agent: ['user_agent', 'http_user_agent'],
  referer: ['referer', 'http_referer'],
  session_id: ['session_id', 'cookie_session', 'cookie_sessionid', 'cookie_session_id'],
  host: ['host', 'http_host', 'server_name'],
  x_forwarded_for: ['x_forwarded_for', 'http_x_forwarded_for'],
  upstream_response_time: ['upstream_response_time'],
  // $msec carries milliseconds, so it wins over the second-precision text forms.
  ts: ['msec', 'ts', 'time_iso8601', 'time', 'timestamp', 'time_local'],
} as const satisfies Record<string, readonly string[]>;

/** Fields read only to build the path or the request line; consumed when they were used. */
const REQUEST_PARTS = ['request', 'uri', 'args', 'query_string'] as const;

type Slot = keyof typeof FIELD_ALIASES | (typeof REQUEST_PARTS)[number];
const SLOTS: readonly Slot[] = [...(Object.keys(FIELD_ALIASES) as Slot[]), ...REQUEST_PARTS];
export const SLOT_OF = new Map<string, number>();
for (const [i, slot] of SLOTS.entries()) {
  const names: readonly string[] =
    slot in FIELD_ALIASES ? FIELD_ALIASES[slot as keyof typeof FIELD_ALIASES] : [slot];
  for (const name of names) SLOT_OF.set(name, i);
}
const slot = (name: Slot) => SLOTS.indexOf(name);
export const S = {
  remote_addr: slot('remote_addr'),
  method: slot('method'),
  path: slot('path'),
  protocol: slot('protocol'),
  status: slot('status'),
  bytes_sent: slot('bytes_sent'),
  request_time: slot('request_time'),
  user_agent: slot('user_agent'),
  referer: slot('referer'),
  session_id: slot('session_id'),
  host: slot('host'),
  x_forwarded_for: slot('x_forwarded_for'),
  upstream_response_time: slot('upstream_response_time'),
  ts: slot('ts'),
  request: slot('request'),
  uri: slot('uri'),
  args: slot('args'),
  query_string: slot('query_string'),
};

/**
 * The name that won each slot on the line being normalized (null: none). normalizeFields is synchronous,
 * so one module-level array serves every call without an allocation per line.
 */
export const winners: (string | null)[] = SLOTS.map(() => null);

/** The first present of three names: records the winner's name in its slot. */
export function pick3(
  slotIndex: number,
  a: FieldValue,
  aName: string,
  b: FieldValue,
  bName: string,
  c: FieldValue,
  cName: string,
): FieldValue {
  return a !== undefined || b !== undefined
    ? pick(slotIndex, a, aName, b, bName)
    : pick(slotIndex, c, cName, undefined, '');
}

/** The first present of two names (a logged null counts as present): records the winner's name in its slot. */
export function pick(
  slotIndex: number,
  a: FieldValue,
  aName: string,
  b: FieldValue,
  bName: string,
): FieldValue {
  if (a !== undefined) {
    winners[slotIndex] = aName;
    return a;
  }
  winners[slotIndex] = b !== undefined ? bName : null;
  return b;
}
