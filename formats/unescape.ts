/**
 * Undoes nginx's escaping of variable values in access logs, per the `escape=` parameter of log_format
 * (ngx_http_log_module.c, `ngx_http_log_escape` and `ngx_http_log_json_variable`):
 * - `default`: `"`, `\`, bytes below 0x20 and bytes from 0x7f up are written as `\xHH`. nginx never
 *   writes a bare backslash, so `\"` and `\\` (Apache's escapes, or a JSON-escaped text layout) are
 *   read as `"` and `\` too.
 * - `json`: `"` and `\` get a backslash, control bytes become `\n`, `\r`, `\t`, `\b`, `\f` or `\u00HH`;
 *   other bytes (UTF-8 included) are written as they are.
 * - `none`: nothing is escaped.
 */

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextEncoder();

/**
 * `\xHH` sequences → the bytes they stand for, read as UTF-8. When those bytes are not valid UTF-8 (a
 * Latin-1 URI, random bytes from a scanner) the value is returned exactly as nginx wrote it, so nothing
 * is lost and the escapes stay readable.
 */
export function decodeNginxEscapes(value: string): string {
  if (!value.includes('\\')) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x5c) {
      const next = value.charCodeAt(i + 1);
      if (next === 0x78) {
        const byte = hexByte(value.charCodeAt(i + 2), value.charCodeAt(i + 3));
        if (byte !== -1) {
          bytes.push(byte);
          i += 3;
          continue;
        }
      } else if (next === 0x22 || next === 0x5c) {
        bytes.push(next);
        i += 1;
        continue;
      }
    }
    if (code < 0x80) bytes.push(code);
    else {
      // nginx never leaves these bytes unescaped in default mode, but a client may have sent text that
      // was already decoded; keep it as UTF-8. A surrogate pair is read whole.
      const ch = String.fromCodePoint(value.codePointAt(i)!);
      for (const b of utf8.encode(ch)) bytes.push(b);
      i += ch.length - 1;
    }
  }
  try {
    return strictUtf8.decode(Uint8Array.from(bytes));
  } catch {
    return value;
  }
}

/** JSON string escapes (`\"`, `\\`, `\n`, `\u00HH`, …) → characters; a value that is not valid JSON string content is kept as written. */
export function decodeJsonEscapes(value: string): string {
  if (!value.includes('\\')) return value;
  try {
    return JSON.parse(`"${value}"`) as string;
  } catch {
    return value;
  }
}

function hexByte(high: number, low: number): number {
  const h = hexDigit(high);
  const l = hexDigit(low);
  return h === -1 || l === -1 ? -1 : h * 16 + l;
}

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}
