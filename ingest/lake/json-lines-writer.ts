/**
 * Canonical records → the UTF-8 bytes of their JSONL, written straight into one growing buffer: byte for
 * byte what `TextEncoder.encode(JSON.stringify(record) + '\n')` gives per record (in canonical field
 * order), without building the text first. Stringifying the records and encoding the text was the
 * ingest's largest cost after gzip; with `HourlyJsonLines` writing each record as it is accepted,
 * the ingest core went from 10.5 to 7.0 CPU s per 1M lines (`npm run bench`).
 */
import { CANONICAL_COLUMNS, type CanonicalRecord } from '../../lake-contract/index.ts';

type CanonicalColumn = (typeof CANONICAL_COLUMNS)[number][0];

const encoder = new TextEncoder();
/** `{"ts":`, `,"remote_addr":`, …: each key with its punctuation, encoded once, in lake order. */
const KEY = Object.fromEntries(
  CANONICAL_COLUMNS.map(([name], i) => [name, encoder.encode(`${i === 0 ? '{' : ','}"${name}":`)]),
) as Record<CanonicalColumn, Uint8Array>;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX = '0123456789abcdef';
/** JSON's two-character escapes; other controls become `\u00XX`. */
const SHORT_ESCAPES: Record<number, number> = { 0x08: 0x62, 0x09: 0x74, 0x0a: 0x6e, 0x0c: 0x66, 0x0d: 0x72 };

export class JsonLinesWriter {
  private buffer: Uint8Array;
  private length = 0;

  /** `capacity`: the expected size in bytes; a wrong guess costs a copy, not correctness. */
  constructor(capacity = 64 * 1024) {
    this.buffer = new Uint8Array(Math.max(capacity, 1024));
  }

  /** Appends one record as one line, its fields in lake order (the order JSON.stringify would see). */
  record(record: CanonicalRecord): void {
    this.raw(KEY.ts);
    this.string(record.ts);
    this.raw(KEY.remote_addr);
    this.string(record.remote_addr);
    this.raw(KEY.method);
    this.nullableString(record.method);
    this.raw(KEY.path);
    this.nullableString(record.path);
    this.raw(KEY.protocol);
    this.nullableString(record.protocol);
    this.raw(KEY.status);
    this.number(record.status);
    this.raw(KEY.bytes_sent);
    this.number(record.bytes_sent);
    this.raw(KEY.request_time);
    if (record.request_time === null) this.ascii('null');
    else this.number(record.request_time);
    this.raw(KEY.user_agent);
    this.nullableString(record.user_agent);
    this.raw(KEY.referer);
    this.nullableString(record.referer);
    this.raw(KEY.session_id);
    this.nullableString(record.session_id);
    this.raw(KEY.host);
    this.nullableString(record.host);
    this.raw(KEY.x_forwarded_for);
    this.nullableString(record.x_forwarded_for);
    this.raw(KEY.upstream_response_time);
    this.nullableString(record.upstream_response_time);
    this.raw(KEY.source);
    this.string(record.source);
    if (record.extra !== undefined) {
      this.raw(KEY.extra);
      this.object(record.extra);
    }
    this.reserve(2);
    this.buffer[this.length++] = 0x7d; // }
    this.buffer[this.length++] = 0x0a; // \n
  }

  /** The lines written so far: a view of the writer's buffer, valid until the next write. */
  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  private object(map: Record<string, string>): void {
    this.reserve(1);
    this.buffer[this.length++] = 0x7b; // {
    let first = true;
    // for…in walks the keys in JSON.stringify's order (integer-like keys first, then insertion order).
    for (const key in map) {
      if (!Object.hasOwn(map, key)) continue;
      if (!first) this.ascii(',');
      first = false;
      this.string(key);
      this.ascii(':');
      this.string(map[key]!);
    }
    this.ascii('}');
  }

  private nullableString(value: string | null): void {
    if (value === null) this.ascii('null');
    else this.string(value);
  }

  private number(value: number): void {
    if (value >= 0 && value < 1e9) {
      // nginx times have millisecond resolution: such a number is its integer part and up to three
      // decimals, which is what String() (the shortest round-trip form) writes for it, without a string.
      const millis = Math.round(value * 1000);
      if (millis / 1000 === value) {
        this.reserve(14);
        const whole = Math.floor(value);
        this.digits(whole);
        let fraction = millis - whole * 1000;
        if (fraction === 0) return;
        const buffer = this.buffer;
        buffer[this.length++] = 0x2e; // .
        for (let unit = 100; fraction > 0; unit /= 10) {
          const digit = Math.floor(fraction / unit);
          buffer[this.length++] = 0x30 + digit;
          fraction -= digit * unit;
        }
        return;
      }
    }
    this.ascii(Number.isFinite(value) ? String(value) : 'null');
  }

  /** A non-negative integer's decimal digits. */
  private digits(value: number): void {
    const buffer = this.buffer;
    let count = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) count++;
    let at = this.length + count;
    this.length = at;
    let rest = value;
    do {
      buffer[--at] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
  }

  /** Text known to be ASCII that needs no escaping. */
  private ascii(text: string): void {
    this.reserve(text.length);
    const buffer = this.buffer;
    let at = this.length;
    for (let i = 0; i < text.length; i++) buffer[at++] = text.charCodeAt(i);
    this.length = at;
  }

  private raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    const buffer = this.buffer;
    let at = this.length;
    for (let i = 0; i < bytes.length; i++) buffer[at++] = bytes[i]!;
    this.length = at;
  }

  /** A JSON string literal as UTF-8, escaped as JSON.stringify escapes it (lone surrogates as `\udXXX`). */
  private string(text: string): void {
    const n = text.length;
    // Worst case: every UTF-16 unit becomes a six-byte `\u00XX` escape; plus the two quotes.
    this.reserve(n * 6 + 2);
    const buffer = this.buffer;
    let at = this.length;
    buffer[at++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c !== QUOTE && c !== BACKSLASH) {
          buffer[at++] = c;
        } else {
          buffer[at++] = BACKSLASH;
          const short = c === QUOTE || c === BACKSLASH ? c : SHORT_ESCAPES[c];
          if (short !== undefined) buffer[at++] = short;
          else at = unicodeEscapeTail(buffer, at, c);
        }
      } else if (c < 0x800) {
        buffer[at++] = 0xc0 | (c >> 6);
        buffer[at++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c > 0xdfff) {
        buffer[at++] = 0xe0 | (c >> 12);
        buffer[at++] = 0x80 | ((c >> 6) & 0x3f);
        buffer[at++] = 0x80 | (c & 0x3f);
      } else {
        const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const code = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          buffer[at++] = 0xf0 | (code >> 18);
          buffer[at++] = 0x80 | ((code >> 12) & 0x3f);
          buffer[at++] = 0x80 | ((code >> 6) & 0x3f);
          buffer[at++] = 0x80 | (code & 0x3f);
          i++;
        } else {
          // A lone surrogate has no UTF-8 form: well-formed JSON.stringify (ES2019) escapes it.
          buffer[at++] = BACKSLASH;
          at = unicodeEscapeTail(buffer, at, c);
        }
      }
    }
    buffer[at++] = QUOTE;
    this.length = at;
  }

  private reserve(bytes: number): void {
    const needed = this.length + bytes;
    if (needed <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}

/** `uXXXX` after a backslash, lower-case hex as JSON.stringify writes it. */
function unicodeEscapeTail(buffer: Uint8Array, at: number, c: number): number {
  buffer[at++] = 0x75; // u
  buffer[at++] = HEX.charCodeAt(c >> 12);
  buffer[at++] = HEX.charCodeAt((c >> 8) & 0xf);
  buffer[at++] = HEX.charCodeAt((c >> 4) & 0xf);
  buffer[at++] = HEX.charCodeAt(c & 0xf);
  return at;
}
