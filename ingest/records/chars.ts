/**
 * Character classes for the hot path as lookup tables: a table read is cheaper than a regular
 * expression or a chain of comparisons, and it does not allocate (the ingest runs these for every line).
 */

/** RFC 9110 §5.6.2 `tchar`: ``!#$%&'*+-.^_`|~``, digits and letters. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
  TCHAR[c.charCodeAt(0)] = 1;

/** Whether a UTF-16 code unit is an RFC 9110 token character. */
export function isTokenChar(c: number): boolean {
  return c < 128 && TCHAR[c] === 1;
}

/** Whether `text[from, to)` is a non-empty RFC 9110 token (an HTTP method). */
export function isHttpToken(text: string, from = 0, to = text.length): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) if (!isTokenChar(text.charCodeAt(i))) return false;
  return true;
}

/** Whether a UTF-16 code unit is an ASCII digit. */
export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Whether `text[from, to)` is one or more ASCII digits. */
export function isDigits(text: string, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

/** Whether `text[from, to)` is `digits` or `digits.digits` (`/^\d+(?:\.\d+)?$/` without the regex). */
export function isDecimal(text: string, from: number, to: number): boolean {
  let i = from;
  while (i < to && isDigit(text.charCodeAt(i))) i++;
  if (i === from) return false;
  if (i === to) return true;
  if (text.charCodeAt(i) !== 0x2e) return false;
  return isDigits(text, i + 1, to);
}
