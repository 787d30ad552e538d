/**
 * The text of an `X-Log-Format` header (or `--format`) that names an nginx log_format, split into its
 * escaping mode and the format itself. It mirrors nginx's own syntax so a definition can be copied from
 * nginx.conf as it stands:
 *
 *     [escape=default|json|none ] <format>
 *
 * where `<format>` is either the format text as is (`$remote_addr - [$time_local] "$request" …`) or,
 * when it starts with a single quote, one or more nginx quoted strings that are concatenated, exactly as
 * in `log_format name '…' '…';`.
 */
import { LogFormatSyntaxError } from './errors.ts';
import { unescapeWord } from './nginx-conf/parse.ts';

/** nginx's `escape=` parameter of `log_format` (nginx ≥ 1.11.8; `none` since 1.13.10). */
export type EscapeMode = 'default' | 'json' | 'none';

export interface LogFormatSource {
  escape: EscapeMode;
  /** The format with nginx's string escapes resolved: what nginx compiles. */
  format: string;
  /** Maps an index in {@link format} to a 1-based column in the spec string, for error messages. */
  columnOf(index: number): number;
}

const ESCAPE_MODES = new Set<string>(['default', 'json', 'none']);
const BLANK = /\s/;

/** True when the spec is meant as a log_format string rather than a format name. */
export function looksLikeLogFormat(spec: string): boolean {
  return spec.includes('$') || /^\s*escape=/.test(spec);
}

/** Splits a spec into escape mode and format; throws {@link LogFormatSyntaxError} with the column. */
export function parseLogFormatSpec(spec: string): LogFormatSource {
  let i = 0;
  while (i < spec.length && BLANK.test(spec[i]!)) i++;
  let escapeMode: EscapeMode = 'default';
  if (spec.startsWith('escape=', i)) {
    const valueStart = i + 'escape='.length;
    let end = valueStart;
    while (end < spec.length && !BLANK.test(spec[end]!)) end++;
    const value = spec.slice(valueStart, end);
    if (!ESCAPE_MODES.has(value)) {
      throw new LogFormatSyntaxError(
        `unknown escape=${JSON.stringify(value)}: use escape=default, escape=json or escape=none`,
        valueStart + 1,
      );
    }
    escapeMode = value as EscapeMode;
    i = end;
    while (i < spec.length && BLANK.test(spec[i]!)) i++;
  }
  if (i >= spec.length) throw new LogFormatSyntaxError('the log_format string is empty', i + 1);

  if (spec[i] !== "'") {
    const base = i;
    return { escape: escapeMode, format: spec.slice(i), columnOf: (index) => base + index + 1 };
  }
  return { escape: escapeMode, ...parseQuotedStrings(spec, i) };
}

/** `'a' "b" 'c'` → `abc`, with nginx's escapes, remembering where each character came from. */
function parseQuotedStrings(spec: string, start: number): Omit<LogFormatSource, 'escape'> {
  let format = '';
  const columns: number[] = [];
  let i = start;
  while (i < spec.length) {
    const quote = spec[i]!;
    if (quote !== "'" && quote !== '"') {
      throw new LogFormatSyntaxError(
        `expected a quoted string, got ${JSON.stringify(quote)}: quote every part, as in nginx.conf`,
        i + 1,
      );
    }
    let j = i + 1;
    while (j < spec.length && spec[j] !== quote) {
      const escapeLength = spec[j] === '\\' && j + 1 < spec.length ? 2 : 1;
      const piece = spec.slice(j, j + escapeLength);
      const text = escapeLength === 2 ? unescapeWord(piece) : piece;
      for (const ch of text) {
        format += ch;
        // An unescaped character may be a surrogate pair: one column per code unit keeps indexes aligned.
        for (let k = 0; k < ch.length; k++) columns.push(j + 1);
      }
      j += escapeLength;
    }
    if (j >= spec.length) throw new LogFormatSyntaxError(`missing closing ${quote}`, i + 1);
    i = j + 1;
    const blanksFrom = i;
    while (i < spec.length && BLANK.test(spec[i]!)) i++;
    if (i < spec.length && i === blanksFrom) {
      throw new LogFormatSyntaxError('expected a blank between quoted strings', i + 1);
    }
  }
  if (format === '') throw new LogFormatSyntaxError('the log_format string is empty', start + 1);
  const end = spec.length + 1;
  return { format, columnOf: (index) => columns[index] ?? end };
}

/**
 * The spec for a format as nginx.conf defines it: `escape=json ` when needed, then the format, quoted
 * only when it would otherwise be read differently (it starts with a quote, a blank or `escape=`).
 */
export function toLogFormatSpec(mode: EscapeMode, format: string): string {
  const prefix = mode === 'default' ? '' : `escape=${mode} `;
  const ambiguous = /^(?:['\s]|escape=)/.test(format);
  const body = ambiguous ? `'${format.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'` : format;
  return prefix + body;
}
