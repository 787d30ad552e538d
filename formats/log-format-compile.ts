/**
 * nginx `log_format` string → a {@link LineParser}. The format is compiled once into a list of steps, one
 * per variable, each knowing the literal text that ends it; parsing a line is then a left-to-right walk
 * of `indexOf`/`startsWith` calls with no regular expression and no backtracking, so a hostile line
 * costs at most one scan per variable. Variables written back to back, the fixed-width `$time_local` and
 * upstream lists are cut by what their values may contain (log-format-vars.ts).
 */

import { fail, ok, type Result } from '../lib/result/index.ts';
import { LogFormatSyntaxError } from './errors.ts';
import { type FieldMapBuilder, fieldMapBuilder, keyedBuilder } from './field-map.ts';
import type { FieldMap, FieldValue } from './field-values.ts';
import { appendFields } from './log-format-appended.ts';
import { type EscapeMode, type LogFormatSource, parseLogFormatSpec } from './log-format-spec.ts';
import {
  listEndConflict,
  listItemOf,
  NOT_BLANK,
  type Shape,
  scanList,
  scanShape,
  shapeOf,
} from './log-format-vars.ts';
import type { LineParser } from './types.ts';
import { decodeJsonEscapes, decodeNginxEscapes } from './unescape.ts';

/** A compiled log_format; its fields are named by nginx variable (`time_local`, `http_user_agent`, …). */
export interface CompiledLogFormat extends LineParser {
  readonly escape: EscapeMode;
  /** Variable names in format order, lower case, without `$`. */
  readonly variables: readonly string[];
  /** `literals[i]` precedes `variables[i]`; the last one follows the last variable. */
  readonly literals: readonly string[];
}

/** Longest spec accepted; real formats are a few hundred characters. */
export const MAX_SPEC_LENGTH = 8192;

type Mode = 'search' | 'shape' | 'list' | 'rest' | 'end';

interface Step {
  variable: string;
  /** Field name in the map, or null when the value is not kept (`$is_args`, a repeated variable). */
  key: string | null;
  /** The literal that follows the value. */
  next: string;
  mode: Mode;
  /** The characters of the value ('shape' mode) or of one list entry ('list' mode). */
  shape: Shape | undefined;
  /** The value ends at a quote: skip `\"` while searching (JSON's escape; Apache-style in default mode). */
  skipEscapedQuotes: boolean;
  /** The step reads `$uri$is_args$args` as one value and splits it into `uri` and `args`. */
  uriArgs: { uri: string; absentArgs: boolean } | null;
  /** Where the value goes in the line's values (field-map.ts); the `args` of `uriArgs` goes in the next. */
  slot: number;
}

interface Piece {
  variable: string;
  /** Index of the `$` in the format. */
  at: number;
}

export interface CompileOptions {
  /**
   * Accept blank-separated fields after the end of the format and keep them as `field_1`, `field_2`, …
   * (the named layouts: users append a field or two and still call it combined). Off for a log_format
   * string, which says exactly what a line holds.
   */
  appendedFields?: boolean;
}

/**
 * Compiles a log_format spec (`[escape=…] <format>`, see log-format-spec.ts).
 * @throws {LogFormatSyntaxError} (400) naming the column in `spec` that does not compile
 * @example
 * const parser = compileLogFormat('$remote_addr [$time_local] "$request" $status');
 * parser.parse('10.0.0.1 [10/Jan/2025:14:31:02 +0000] "GET / HTTP/1.1" 200');
 */
export function compileLogFormat(
  spec: string,
  name: string = spec,
  options: CompileOptions = {},
): CompiledLogFormat {
  if (spec.length > MAX_SPEC_LENGTH) {
    throw new LogFormatSyntaxError(`the log_format string is longer than ${MAX_SPEC_LENGTH} characters`, 1);
  }
  const source = parseLogFormatSpec(spec);
  const { pieces, literals } = splitFormat(source);
  if (pieces.length === 0) {
    throw new LogFormatSyntaxError('the log_format has no $variables, so it cannot describe a line', 1);
  }
  const steps = plan(pieces, literals, source);
  const decode =
    source.escape === 'default' ? decodeNginxEscapes : source.escape === 'json' ? decodeJsonEscapes : null;
  const prefix = literals[0]!;
  const firstName = `$${pieces[0]!.variable}`;
  const strictEnd = steps[steps.length - 1]!.mode === 'search';
  const appended = options.appendedFields === true;
  const { keys, build } = fieldMapOf(steps);
  // parse is synchronous: one values array per format serves every line.
  const values: FieldValue[] = new Array<FieldValue>(keys.length).fill(undefined);

  function parse(line: string): Result<FieldMap> {
    if (!line.startsWith(prefix)) {
      return fail(
        `${firstName}: expected ${quote(prefix)} at column 1, got ${quote(line.slice(0, prefix.length))}`,
      );
    }
    // One scan for a backslash per line instead of one per value: most lines have none to decode.
    const backslash = decode === null ? -1 : line.indexOf('\\', prefix.length);
    let pos = prefix.length;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      let end: number;
      switch (step.mode) {
        case 'search':
          end = step.skipEscapedQuotes ? findUnescaped(line, step.next, pos) : line.indexOf(step.next, pos);
          if (end === -1) return fail(missing(step, pos));
          break;
        case 'end':
          end = line.length - step.next.length;
          if (end < pos || !line.endsWith(step.next)) return fail(missing(step, pos));
          break;
        case 'rest':
          end = line.length;
          break;
        default: {
          end = step.mode === 'list' ? scanList(line, pos, step.shape!) : scanShape(line, pos, step.shape!);
          if (end === -1)
            return fail(`$${step.variable}: line ends at column ${line.length + 1}, value is cut short`);
          if (!line.startsWith(step.next, end)) {
            return fail(
              `$${step.variable}: expected ${quote(step.next)} at column ${end + 1}, got ${quote(line.slice(end, end + step.next.length))}`,
            );
          }
        }
      }
      if (step.key !== null) {
        const raw = line.slice(pos, end);
        const value =
          backslash !== -1 && backslash < end && decode !== null && raw.includes('\\') ? decode(raw) : raw;
        if (step.uriArgs === null) values[step.slot] = value;
        else {
          const { uri, args } = splitUriArgs(value, step.uriArgs.absentArgs);
          values[step.slot] = uri;
          values[step.slot + 1] = args ?? undefined;
        }
      }
      pos = end + step.next.length;
    }
    const fields = build(values);
    if (strictEnd && pos !== line.length) {
      const last = steps[steps.length - 1]!;
      if (appended && line.charCodeAt(pos) === 0x20) return appendFields(fields, line, pos + 1, name, decode);
      return fail(
        `$${last.variable}: unexpected text after the format at column ${pos + 1}: ${quote(line.slice(pos))}`,
      );
    }
    return ok(fields);
  }

  return {
    name,
    escape: source.escape,
    variables: pieces.map((p) => p.variable),
    literals,
    parse,
  };
}

/** The format → variables and the literal text around them, as nginx's ngx_http_log_compile_format reads it. */
function splitFormat(source: LogFormatSource): { pieces: Piece[]; literals: string[] } {
  const { format } = source;
  const pieces: Piece[] = [];
  const literals: string[] = [];
  let literal = '';
  let i = 0;
  while (i < format.length) {
    const ch = format[i]!;
    if (ch !== '$') {
      literal += ch;
      i++;
      continue;
    }
    const at = i;
    i++;
    const braced = format[i] === '{';
    if (braced) i++;
    const nameStart = i;
    while (i < format.length && /[A-Za-z0-9_]/.test(format[i]!)) i++;
    const variable = format.slice(nameStart, i).toLowerCase();
    if (braced) {
      if (format[i] !== '}') {
        throw new LogFormatSyntaxError(`the closing } of "\${${variable}" is missing`, source.columnOf(at));
      }
      i++;
    }
    if (variable === '') {
      throw new LogFormatSyntaxError(
        '"$" must be followed by a variable name (letters, digits, "_") or {name}',
        source.columnOf(at),
      );
    }
    literals.push(literal);
    literal = '';
    pieces.push({ variable, at });
  }
  literals.push(literal);
  return { pieces, literals };
}

function plan(pieces: Piece[], literals: string[], source: LogFormatSource): Step[] {
  const steps: Step[] = [];
  const seen = new Set<string>();
  let slots = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    const uriArgs = isUriArgs(pieces, literals, i);
    // The step covers three variables for `$uri$is_args$args`, one otherwise.
    const lastPiece = uriArgs ? i + 2 : i;
    const next = literals[lastPiece + 1]!;
    const last = lastPiece === pieces.length - 1;
    const shape = uriArgs ? NOT_BLANK : shapeOf(piece.variable);
    let mode: Mode;
    if (shape?.length !== undefined && (next !== '' || !last)) mode = 'shape';
    else if (last) mode = next === '' ? 'rest' : source.escape === 'none' ? 'end' : 'search';
    else if (next === '') {
      if (!shape) {
        const following = pieces[lastPiece + 1]!;
        throw new LogFormatSyntaxError(
          `$${piece.variable} is followed directly by $${following.variable} with no text between them, so a line cannot be split there: put a separator between them`,
          source.columnOf(following.at),
        );
      }
      mode = 'shape';
    } else if (listItemOf(piece.variable) && ' ,:'.includes(next[0]!)) {
      mode = 'list';
      checkListEnd(piece, next, pieces[lastPiece + 1], source);
    } else mode = 'search';

    let key: string | null = piece.variable;
    // $is_args only says whether $args is empty; $uri and $args already give the path. A variable logged
    // twice holds the same value twice.
    if (key === 'is_args' || seen.has(key)) key = null;
    seen.add(piece.variable);
    const slot = slots;
    if (key !== null) slots += uriArgs ? 2 : 1;

    steps.push({
      variable: uriArgs ? `${piece.variable}$is_args$args` : piece.variable,
      key,
      next,
      mode,
      shape: mode === 'list' ? listItemOf(piece.variable) : shape,
      // escape=default: nginx writes `"` and `\` as \xHH, so a backslash comes from another producer
      // (Apache's `\"` and `\\`); escape=json: JSON's `\"`. escape=none writes quotes raw (see 'end').
      skipEscapedQuotes: source.escape !== 'none' && next.startsWith('"'),
      uriArgs: uriArgs ? { uri: piece.variable, absentArgs: source.escape !== 'json' } : null,
      slot,
    });
    i = lastPiece;
  }
  return steps;
}

/** Rejects an unquoted list whose following text could read as one more entry (log-format-vars.ts). */
function checkListEnd(
  list: Piece,
  next: string,
  following: Piece | undefined,
  source: LogFormatSource,
): void {
  const separator = listEndConflict(list.variable, next, following?.variable);
  if (separator === null) return;
  const then = following && next.length <= separator.length ? ` then $${following.variable}` : '';
  throw new LogFormatSyntaxError(
    `$${list.variable} is a list nginx joins with ${JSON.stringify(separator)}, and the text after it (${JSON.stringify(next)}${then}) can read as one more entry, so a line cannot be split there: quote the list or put another separator after it`,
    source.columnOf(list.at),
  );
}

/**
 * The field names of a line in slot order and their builder. `$uri$is_args$args` leaves `args` out when
 * the request had no query, so a format with it builds key by key, skipping absent values.
 */
function fieldMapOf(steps: readonly Step[]): { keys: string[]; build: FieldMapBuilder } {
  const keys: string[] = [];
  for (const step of steps) {
    if (step.key === null) continue;
    keys[step.slot] = step.uriArgs === null ? step.key : step.uriArgs.uri;
    if (step.uriArgs !== null) keys[step.slot + 1] = 'args';
  }
  const sparse = steps.some((step) => step.key !== null && step.uriArgs !== null);
  return { keys, build: sparse ? keyedBuilder(keys, { skipUndefined: true }) : fieldMapBuilder(keys) };
}

/** `$uri$is_args$args` (or `$document_uri…`), the idiom nginx's docs use to log the path with its query. */
function isUriArgs(pieces: Piece[], literals: string[], i: number): boolean {
  const uri = pieces[i]?.variable;
  return (
    (uri === 'uri' || uri === 'document_uri') &&
    pieces[i + 1]?.variable === 'is_args' &&
    pieces[i + 2]?.variable === 'args' &&
    literals[i + 1] === '' &&
    literals[i + 2] === ''
  );
}

/**
 * Splits the text of `$uri$is_args$args`. With a query it is `uri?args`; without one nginx writes
 * nothing for `$is_args` but `-` for the absent `$args` (not in escape=json, which writes nothing), so
 * `/path` comes out as `/path-`.
 */
function splitUriArgs(value: string, absentArgs: boolean): { uri: string; args: string | null } {
  const question = value.indexOf('?');
  if (question !== -1) return { uri: value.slice(0, question), args: value.slice(question + 1) };
  if (absentArgs && value.endsWith('-')) return { uri: value.slice(0, -1), args: null };
  return { uri: value, args: null };
}

/** indexOf that skips a `"` preceded by an odd number of backslashes (an escaped quote inside a JSON value). */
function findUnescaped(line: string, needle: string, from: number): number {
  let index = line.indexOf(needle, from);
  while (index !== -1) {
    let backslashes = 0;
    for (let j = index - 1; j >= from && line.charCodeAt(j) === 0x5c; j--) backslashes++;
    if (backslashes % 2 === 0) return index;
    index = line.indexOf(needle, index + 1);
  }
  return -1;
}

function missing(step: Step, pos: number): string {
  if (step.next.startsWith('"')) {
    return `$${step.variable}: missing closing quote for the value that starts at column ${pos + 1}`;
  }
  return `$${step.variable}: expected ${quote(step.next)} after the value that starts at column ${pos + 1}`;
}

function quote(text: string): string {
  const s = JSON.stringify(text);
  return s.length > 60 ? `${s.slice(0, 57)}..."` : s;
}
