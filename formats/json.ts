import { fail, ok } from '../lib/result/index.ts';
import type { FieldMap } from './field-values.ts';
import type { LineParser } from './types.ts';
import { decodeNginxEscapes } from './unescape.ts';

/**
 * nginx `escape=json` lines, e.g. nginx/accesslake-json.conf's
 * `{"ts":"$time_iso8601","remote_addr":"$remote_addr",...,"status":$status,"bytes_sent":$body_bytes_sent}`.
 * Keys may be canonical names or nginx variable names; nested values are kept as JSON text.
 * A JSON-shaped format logged without `escape=json` carries nginx's default `\xHH` escapes, which JSON
 * does not allow; such a line is read once more with those escapes decoded.
 */
export const jsonLineParser: LineParser = {
  name: 'json',
  parse(line) {
    // A line that cannot be an object is refused before JSON.parse: each of its exceptions cost an Error
    // with a stack and a message naming the line (3 million junk lines took minutes and gigabytes).
    if (!startsAsObject(line)) return NOT_AN_OBJECT;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const retried = line.includes('\\x') ? parseWithNginxEscapes(line) : undefined;
      if (retried === undefined) return fail(`json: not valid JSON (${(error as Error).message})`);
      value = retried;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return NOT_AN_OBJECT;
    // nginx's JSON lines are flat; copy only when a value is nested (hot path: no allocation per line).
    const fields = value as Record<string, unknown>;
    for (const key in fields) {
      const field = fields[key];
      if (typeof field === 'object' && field !== null) fields[key] = JSON.stringify(field);
    }
    return ok(fields as FieldMap);
  },
};

const NOT_AN_OBJECT = fail('json: expected one JSON object per line');

/** True when the first character after JSON whitespace (RFC 8259 §2) is `{`. */
function startsAsObject(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x7b) return true;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return false;
}

const NGINX_ESCAPES = /(?:\\x[0-9A-Fa-f]{2})+/g;

/** `\xHH` runs → the text they encode, re-escaped for JSON; undefined when the line is still not JSON. */
function parseWithNginxEscapes(line: string): unknown {
  const text = line.replace(NGINX_ESCAPES, (run) => {
    const decoded = decodeNginxEscapes(run);
    // Bytes that are not UTF-8 stay as nginx wrote them, with the backslash escaped for JSON.
    return decoded === run ? run.replaceAll('\\', '\\\\') : JSON.stringify(decoded).slice(1, -1);
  });
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
