/**
 * The blank-separated lines AWS writes for S3 server access logs and load balancer access logs: bare
 * words, `"quoted strings"` (ALB escapes `"` and `\` inside them with a backslash) and `[bracketed]`
 * times (S3). One left-to-right pass, no regular expression.
 */
import { fail, ok, type Result } from '../lib/result/index.ts';

export interface SplitOptions {
  /** Stop after this many fields; `end` is then where the next field starts. */
  limit?: number;
  /** Start at this index of the line (column numbers in errors stay those of the whole line). */
  from?: number;
  /** How many fields precede `from`, so errors number the fields of the whole line. */
  fieldsBefore?: number;
}

/**
 * Splits `line` into its fields; quotes and brackets are removed, backslash escapes resolved. Fields are
 * separated by runs of blanks (spaces, tabs): `a  b` is two fields, never an empty one between them, and
 * blanks at the start or end make no field.
 */
export function splitAwsLine(
  line: string,
  format: string,
  { limit = Number.POSITIVE_INFINITY, from = 0, fieldsBefore = 0 }: SplitOptions = {},
): Result<string[]> & { end?: number } {
  const fields: string[] = [];
  const n = line.length;
  let i = skipBlanks(line, from);
  while (i < n) {
    if (fields.length >= limit) return { success: true, data: fields, end: i };
    const c = line.charCodeAt(i);
    if (c === 0x22) {
      // A quoted field ends at a quote followed by a blank or the end of the line.
      let value = '';
      let j = i + 1;
      let closed = false;
      while (j < n) {
        const d = line.charCodeAt(j);
        if (d === 0x5c && j + 1 < n) {
          const escaped = line[j + 1]!;
          value += escaped === '"' || escaped === '\\' ? escaped : `\\${escaped}`;
          j += 2;
          continue;
        }
        if (d === 0x22 && (j + 1 === n || isBlank(line.charCodeAt(j + 1)))) {
          closed = true;
          break;
        }
        value += line[j];
        j++;
      }
      if (!closed) {
        return fail(
          `${format} field ${fieldsBefore + fields.length + 1}: missing closing quote for the value that starts at column ${i + 2}`,
        );
      }
      fields.push(value);
      i = j + 1;
    } else if (c === 0x5b) {
      const close = line.indexOf(']', i + 1);
      if (close === -1) {
        return fail(
          `${format} field ${fieldsBefore + fields.length + 1}: missing "]" for the value that starts at column ${i + 2}`,
        );
      }
      fields.push(line.slice(i + 1, close));
      i = close + 1;
    } else {
      let j = i;
      while (j < n && !isBlank(line.charCodeAt(j))) j++;
      fields.push(line.slice(i, j));
      i = j;
    }
    if (i < n) {
      if (!isBlank(line.charCodeAt(i))) {
        return fail(
          `${format} field ${fieldsBefore + fields.length}: expected a blank at column ${i + 1}, got ${JSON.stringify(line[i])}`,
        );
      }
      // A run of blanks is one separator: numbering never depends on how many blanks were written.
      i = skipBlanks(line, i);
    }
  }
  return ok(fields);
}

/** `ip:port` → ip. IPv6 addresses come without brackets (`2001:db8::5:52000`), so the port follows the last colon. */
export function hostOfEndpoint(endpoint: string): string {
  const colon = endpoint.lastIndexOf(':');
  if (colon === -1) return endpoint;
  const host = endpoint.slice(0, colon);
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Space and tab separate fields; a run of them counts as one. */
function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function skipBlanks(line: string, i: number): number {
  while (i < line.length && isBlank(line.charCodeAt(i))) i++;
  return i;
}
