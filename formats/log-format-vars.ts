/**
 * What the compiler knows about individual nginx variables: the characters a value can hold (so two
 * variables written back to back, as in `$host$request_uri`, can still be told apart) and which ones
 * nginx writes as lists (`$upstream_response_time` behind several upstreams: `0.010, 0.002 : 0.004`).
 */

/**
 * The characters a variable's value may contain; nginx's `-` for "empty" is always accepted too. The
 * class is a 128-entry table for ASCII plus one answer for every other UTF-16 unit (no shape tells
 * non-ASCII characters apart), so the scanners read a table instead of calling a predicate per character
 * (one hidden class for every shape keeps their call sites monomorphic).
 */
export class Shape {
  /** `table[c]` is 1 when the ASCII code `c` may occur in the value. */
  readonly table: Uint8Array;
  /** Whether characters from U+0080 up may occur. */
  readonly high: boolean;
  /** The value never exceeds this many characters (`$is_args` is `?` or empty). */
  readonly maxLength: number | undefined;
  /** The value always has exactly this many characters (`$time_local`). */
  readonly length: number | undefined;

  constructor(accepts: (code: number) => boolean, limits: { maxLength?: number; length?: number } = {}) {
    this.table = new Uint8Array(128);
    for (let c = 0; c < 128; c++) this.table[c] = accepts(c) ? 1 : 0;
    this.high = accepts(0x80);
    this.maxLength = limits.maxLength;
    this.length = limits.length;
  }

  accepts(code: number): boolean {
    return code < 128 ? this.table[code] === 1 : this.high;
  }
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;
const isAlnum = (c: number) => isDigit(c) || isLower(c) || isUpper(c);
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

const DIGITS = new Shape(isDigit);
const DECIMAL = new Shape((c) => isDigit(c) || c === 0x2e);
// RFC 9110 token characters.
const TOKEN = new Shape((c) => isAlnum(c) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c)));
const ADDRESS = new Shape((c) => isHex(c) || c === 0x2e || c === 0x3a);
const HOST = new Shape((c) => isAlnum(c) || c === 0x2e || c === 0x2d || c === 0x5f || c === 0x3a);
export const NOT_BLANK = new Shape((c) => c !== 0x20);
const URI_PATH = new Shape((c) => c !== 0x20 && c !== 0x3f);

const SHAPES = new Map<string, Shape>([
  ['status', new Shape(isDigit, { maxLength: 3 })],
  ['body_bytes_sent', DIGITS],
  ['bytes_sent', DIGITS],
  ['request_length', DIGITS],
  ['connection', DIGITS],
  ['connection_requests', DIGITS],
  ['server_port', DIGITS],
  ['remote_port', DIGITS],
  ['pid', DIGITS],
  ['msec', DECIMAL],
  ['request_time', DECIMAL],
  ['pipe', new Shape((c) => c === 0x70 || c === 0x2e, { maxLength: 1 })],
  ['is_args', new Shape((c) => c === 0x3f, { maxLength: 1 })],
  ['scheme', new Shape(isLower)],
  ['request_method', TOKEN],
  ['server_protocol', new Shape((c) => isAlnum(c) || c === 0x2f || c === 0x2e)],
  ['remote_addr', ADDRESS],
  ['realip_remote_addr', ADDRESS],
  ['server_addr', ADDRESS],
  ['host', HOST],
  ['http_host', HOST],
  ['server_name', HOST],
  ['hostname', HOST],
  ['uri', URI_PATH],
  ['document_uri', URI_PATH],
  ['request_uri', NOT_BLANK],
  ['args', NOT_BLANK],
  ['query_string', NOT_BLANK],
  ['request_id', new Shape(isHex, { maxLength: 32 })],
  ['time_iso8601', new Shape((c) => isDigit(c) || c === 0x2d || c === 0x3a || c === 0x2b || c === 0x54)],
  // "10/Jan/2025:14:31:02 +0000"
  ['time_local', new Shape(() => true, { length: 26 })],
]);

const NOT_BLANK_COMMA_OR_QUOTE = new Shape((c) => c !== 0x20 && c !== 0x2c && c !== 0x22);
const DECIMAL_OR_DASH = new Shape((c) => isDigit(c) || c === 0x2e || c === 0x2d);
const DIGITS_OR_DASH = new Shape((c) => isDigit(c) || c === 0x2d);

/**
 * Variables nginx writes as one entry per upstream tried: `a, b` across servers, `a : b` across groups
 * (ngx_http_upstream.c, ngx_http_upstream_*_variable), with the characters one entry can hold. An entry
 * with no value is `-` (`-, 0.001`: the first server refused the connection). `$upstream_addr` entries
 * are `ip:port`, `unix:/path` or an upstream group's name.
 */
const LIST_ITEMS = new Map<string, Shape>([
  ['upstream_addr', NOT_BLANK_COMMA_OR_QUOTE],
  ['upstream_status', DIGITS_OR_DASH],
  ['upstream_response_time', DECIMAL_OR_DASH],
  ['upstream_connect_time', DECIMAL_OR_DASH],
  ['upstream_header_time', DECIMAL_OR_DASH],
  ['upstream_queue_time', DECIMAL_OR_DASH],
  ['upstream_response_length', DIGITS_OR_DASH],
  ['upstream_bytes_received', DIGITS_OR_DASH],
  ['upstream_bytes_sent', DIGITS_OR_DASH],
]);

/** The separators nginx puts between list entries. */
export const LIST_SEPARATORS = [', ', ' : '] as const;

export function shapeOf(variable: string): Shape | undefined {
  const known = SHAPES.get(variable);
  if (known) return known;
  if (variable.startsWith('arg_')) return NOT_BLANK;
  return undefined;
}

/** The shape of one entry of a list variable, or undefined when nginx does not write it as a list. */
export function listItemOf(variable: string): Shape | undefined {
  return LIST_ITEMS.get(variable);
}

/**
 * The end of an upstream list starting at `pos`: entries of `item`'s characters joined by `, ` or
 * ` : `. A separator counts only when an entry starts right after it, so the format's own literal
 * (`, "host": "` after an unquoted list in a JSON-shaped format) ends the list; the compiler rejects
 * formats where that literal could itself read as a separator and an entry (log-format-compile.ts).
 */
export function scanList(line: string, pos: number, item: Shape): number {
  let i = pos;
  const n = line.length;
  for (;;) {
    for (; i < n; i++) {
      const c = line.charCodeAt(i);
      if (c < 128 ? item.table[c] !== 1 : !item.high) break;
    }
    if (
      line.charCodeAt(i) === 0x2c &&
      line.charCodeAt(i + 1) === 0x20 &&
      i + 2 < n &&
      item.accepts(line.charCodeAt(i + 2))
    )
      i += 2;
    else if (line.startsWith(' : ', i) && i + 3 < n && item.accepts(line.charCodeAt(i + 3))) i += 3;
    else return i;
  }
}

/**
 * An unquoted list ends where the format's next literal starts; the scanner tells the two apart by the
 * first character after a separator. The separator a line could not be split at, or null: a literal that
 * starts with a separator followed by an entry character or by the next variable (`$upstream_addr, $host`,
 * `$upstream_addr, x=`), or one that is the start of a separator followed by a free-text variable
 * (`$upstream_addr $remote_user`, where the value `: a` would read as one more entry).
 */
export function listEndConflict(
  variable: string,
  next: string,
  following: string | undefined,
): string | null {
  const item = LIST_ITEMS.get(variable)!;
  for (const separator of LIST_SEPARATORS) {
    const ambiguous = next.startsWith(separator)
      ? next.length === separator.length || item.accepts(next.charCodeAt(separator.length))
      : separator.startsWith(next) && following !== undefined && isFreeText(following);
    if (ambiguous) return separator;
  }
  return null;
}

/** A variable whose characters are not known (a header, a cookie, `$remote_user`). */
function isFreeText(variable: string): boolean {
  return shapeOf(variable) === undefined && !LIST_ITEMS.has(variable);
}

/** The end of a value of `shape` starting at `pos`, or -1 when it cannot hold the text there. */
export function scanShape(line: string, pos: number, shape: Shape): number {
  // nginx writes "-" for an empty value whatever the variable.
  if (line.charCodeAt(pos) === 0x2d && !shape.accepts(0x2d)) return pos + 1;
  if (shape.length !== undefined) return pos + shape.length <= line.length ? pos + shape.length : -1;
  const limit = Math.min(line.length, shape.maxLength === undefined ? line.length : pos + shape.maxLength);
  const { table, high } = shape;
  let i = pos;
  for (; i < limit; i++) {
    const c = line.charCodeAt(i);
    if (c < 128 ? table[c] !== 1 : !high) break;
  }
  return i;
}
