/**
 * The request line nginx logs as `$request` (`GET /a?b HTTP/1.1`) → method, path, protocol, and the
 * host of an absolute-form target. One grammar for every format, so one request has one canonical path
 * whichever way it was logged (docs/formats.md, "The request line"):
 *
 * - spaces and tabs at both ends are dropped first (`"GET /x HTTP/1.1 "`: nginx allows spaces after
 *   the version); inside, words are split on spaces, as nginx splits them;
 * - the method is the first word (up to the first blank) and must be an HTTP token (RFC 9110 §9.1);
 * - the protocol is the last word when it looks like `HTTP/x.y`; otherwise there is none (HTTP/0.9);
 * - the request target is everything between, without the blanks around it: blanks inside it are kept
 *   (`GET /a b HTTP/1.1`: older nginx served such lines, newer ones answer 400 and still log them),
 *   blanks before it are dropped as nginx's parser drops them (`GET  /x` has `$request_uri` `/x`);
 * - the target must have one of the forms of RFC 9112 §3.2: origin-form `/…`, absolute-form
 *   `scheme://authority/…`, asterisk-form `*`, or authority-form `host:port` for CONNECT.
 *
 * An absolute-form target becomes its path (`/some/path`, `/` when it has none) and its host, which is
 * what nginx's `$request_uri` and `$host` hold for such a request (lower-cased, port dropped, an IPv6
 * literal keeps its brackets). Anything else (empty, `-`, binary bytes, a TLS handshake sent to a
 * plain-text port) is no request line: {@link parseRequestLine} returns null and the record keeps its
 * method, path and protocol null (docs/record.md).
 */
import { isDecimal, isTokenChar } from './chars.ts';

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const CONTROL = /[\x00-\x1f\x7f]/g;

export interface RequestLine {
  /** Upper-cased HTTP token. */
  method: string;
  /** The target as logged (origin-form), or the path of an absolute-form target. */
  path: string;
  protocol: string | null;
  /** The host of an absolute-form target, else null. */
  host: string | null;
}

/**
 * Parses `$request`; null when the text is no request line (see the module comment). Spaces and tabs at
 * either end are dropped first (nginx's parser allows spaces after the version before CR LF and keeps
 * them in `$request`). Inside, words are split on spaces only, as nginx's parser splits them
 * (ngx_http_parse_request_line): a tab inside the target is part of it, a tab between the method and
 * the target makes no request line, as nginx answers such a request 400.
 */
export function parseRequestLine(text: string): RequestLine | null {
  // One pass of char scans, no regex and no slice but the three words: this runs for every line of the
  // common formats (bench/formats.ts).
  let from = 0;
  let to = text.length;
  while (from < to && isBlank(text.charCodeAt(from))) from++;
  while (to > from && isBlank(text.charCodeAt(to - 1))) to--;
  // The method is the text up to the first space and must be all token characters (RFC 9110 §9.1).
  let space = from;
  while (space < to && isTokenChar(text.charCodeAt(space))) space++;
  if (space === from || space === to || text.charCodeAt(space) !== 0x20) return null;
  let end = to;
  let protocol: string | null = null;
  let last = to;
  while (last > space && text.charCodeAt(last - 1) !== 0x20) last--;
  if (last > space && isHttpVersion(text, last, to)) {
    protocol = knownProtocol(text, last, to) ?? text.slice(last, to);
    end = last;
  }
  let start = space;
  while (start < end && text.charCodeAt(start) === 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) === 0x20) end--;
  if (start === end) return null;
  const method = methodOf(text, from, space);
  const first = text.charCodeAt(start);
  if (first === 0x2f /* / */) return { method, path: text.slice(start, end), protocol, host: null };
  const target = text.slice(start, end);
  if (target === '*') return { method, path: target, protocol, host: null };
  if (SCHEME.test(target)) {
    const { path, host } = splitAbsoluteTarget(target);
    return { method, path, protocol, host };
  }
  if (method === 'CONNECT' && !target.includes(' ')) return { method, path: target, protocol, host: null };
  return null;
}

/** `HTTP/1.1`, `HTTP/2.0`, `HTTP/0.9`: what nginx accepts as the last word (ngx_http_parse_request_line). */
function isHttpVersion(text: string, from: number, to: number): boolean {
  return (
    to - from > 5 &&
    text.charCodeAt(from) === 0x48 && // H
    text.charCodeAt(from + 1) === 0x54 && // T
    text.charCodeAt(from + 2) === 0x54 && // T
    text.charCodeAt(from + 3) === 0x50 && // P
    text.charCodeAt(from + 4) === 0x2f && // /
    isDecimal(text, from + 5, to)
  );
}

/** The upper-cased method; the common ones as constants, so no string is made for them per line. */
function methodOf(text: string, from: number, to: number): string {
  const length = to - from;
  const first = text.charCodeAt(from);
  if (
    length === 3 &&
    first === 0x47 &&
    text.charCodeAt(from + 1) === 0x45 &&
    text.charCodeAt(from + 2) === 0x54
  )
    return 'GET';
  if (length === 4 && first === 0x50 && text.startsWith('POST', from)) return 'POST';
  if (length === 4 && first === 0x48 && text.startsWith('HEAD', from)) return 'HEAD';
  return text.slice(from, to).toUpperCase();
}

/** An `HTTP/x.y` word (already checked) as a constant for the common versions, else undefined. */
function knownProtocol(text: string, from: number, to: number): string | undefined {
  if (to - from !== 8 || text.charCodeAt(from + 6) !== 0x2e) return undefined;
  const major = text.charCodeAt(from + 5);
  const minor = text.charCodeAt(from + 7);
  if (major === 0x31) return minor === 0x31 ? 'HTTP/1.1' : minor === 0x30 ? 'HTTP/1.0' : undefined;
  if (major === 0x32 && minor === 0x30) return 'HTTP/2.0';
  if (major === 0x33 && minor === 0x30) return 'HTTP/3.0';
  return undefined;
}

/** SP and HTAB: the blanks dropped at the ends of `$request`. */
function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/**
 * `https://user@Www.Example.com:8443/p?q` → path `/p?q`, host `www.example.com`; a target without a
 * scheme is returned as its own path with no host.
 */
export function splitAbsoluteTarget(target: string): { path: string; host: string | null } {
  const scheme = SCHEME.exec(target);
  if (scheme === null) return { path: target, host: null };
  const from = scheme[0].length;
  let to = from;
  while (to < target.length) {
    const c = target.charCodeAt(to);
    if (c === 0x2f || c === 0x3f || c === 0x23) break; // / ? #
    to++;
  }
  let path = target.slice(to);
  if (path === '' || path.charCodeAt(0) !== 0x2f) path = `/${path}`;
  return { path, host: hostOfAuthority(target.slice(from, to)) };
}

/** `user@host:port` → `host`, lower-cased as nginx's `$host`; `[::1]:80` → `[::1]`. */
function hostOfAuthority(authority: string): string | null {
  const at = authority.lastIndexOf('@');
  let host = at === -1 ? authority : authority.slice(at + 1);
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    host = close === -1 ? host : host.slice(0, close + 1);
  } else {
    const colon = host.indexOf(':');
    if (colon !== -1) host = host.slice(0, colon);
  }
  return host === '' ? null : host.toLowerCase();
}

/**
 * The text of a request that is no request line, for `extra.request`: as logged, with control
 * characters written the way nginx's default escaping writes them (`\x16`), so the value stays printable.
 */
export function printableRequest(text: string): string {
  return text.replace(CONTROL, (ch) => `\\x${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
