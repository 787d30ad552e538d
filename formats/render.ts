/**
 * Writes a line the way nginx would for a compiled log_format: the inverse of the parser, used by the
 * round-trip tests, the format benchmark and anyone who needs realistic lines. Escaping follows
 * ngx_http_log_module.c: `default` writes `"`, `\`, bytes below 0x20 and from 0x7f up as `\xHH`;
 * `json` escapes like JSON; an absent value is `-` except in `json` mode, where it is empty.
 */
import type { CompiledLogFormat } from './log-format-compile.ts';
import type { EscapeMode } from './log-format-spec.ts';

const utf8 = new TextEncoder();
const HEX = '0123456789ABCDEF';
const PRINTABLE_ASCII_WITHOUT_QUOTE_OR_BACKSLASH = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Renders one line; `values` is keyed by variable name without `$`, an absent key meaning "not set". */
export function renderLogLine(format: CompiledLogFormat, values: Record<string, string | undefined>): string {
  let line = format.literals[0]!;
  for (let i = 0; i < format.variables.length; i++) {
    const value = values[format.variables[i]!];
    line += value === undefined ? (format.escape === 'json' ? '' : '-') : escapeValue(value, format.escape);
    line += format.literals[i + 1]!;
  }
  return line;
}

/** One variable's value as nginx writes it in the given escape mode. */
export function escapeValue(value: string, mode: EscapeMode): string {
  if (mode === 'none') return value;
  if (mode === 'json') return JSON.stringify(value).slice(1, -1);
  // Most values are plain printable ASCII and need no escaping (the generator's hot path).
  if (PRINTABLE_ASCII_WITHOUT_QUOTE_OR_BACKSLASH.test(value)) return value;
  let out = '';
  for (const byte of utf8.encode(value)) {
    if (byte === 0x22 || byte === 0x5c || byte < 0x20 || byte >= 0x7f) {
      out += `\\x${HEX[byte >> 4]}${HEX[byte & 15]}`;
    } else out += String.fromCharCode(byte);
  }
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `$time_local` for an instant, in a zone `offsetMinutes` east of UTC: `10/Jan/2025:14:31:02 +0000`. */
export function formatTimeLocal(epochMs: number, offsetMinutes = 0): string {
  const d = new Date(epochMs + offsetMinutes * 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}
