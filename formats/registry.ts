/**
 * The format registry: the `X-Log-Format` header (or the agent's `--format`) → a compiled {@link LineParser}.
 * Named formats are built in (`json`, `combined`, `main`, `s3`, `alb`); a spec with a `$variable` (or a
 * leading `escape=`) is an nginx `log_format` string, compiled once and kept in a bounded cache. Anything
 * else is an unknown format: 415. docs/formats.md describes each format for users.
 */
import { albLineParser } from './alb.ts';
import { UnsupportedFormatError } from './errors.ts';
import { jsonLineParser } from './json.ts';
import { compileLogFormat } from './log-format-compile.ts';
import { looksLikeLogFormat } from './log-format-spec.ts';
import { s3LineParser } from './s3.ts';
import type { LineParser } from './types.ts';

/** nginx's built-in format (ngx_http_log_module.c). */
export const COMBINED_LOG_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

/** The `main` format of the nginx.conf that nginx and its distributions ship. */
export const MAIN_LOG_FORMAT = `${COMBINED_LOG_FORMAT} "$http_x_forwarded_for"`;

const NAMED_FORMATS = new Map<string, LineParser>([
  ['json', jsonLineParser],
  ['combined', compileLogFormat(COMBINED_LOG_FORMAT, 'combined', { appendedFields: true })],
  ['main', compileLogFormat(MAIN_LOG_FORMAT, 'main', { appendedFields: true })],
  ['s3', s3LineParser],
  ['alb', albLineParser],
]);

/** Compiled log_format strings kept; agents send the same few specs batch after batch. */
export const LOG_FORMAT_CACHE_SIZE = 64;
const compiled = new Map<string, LineParser>();

/**
 * Resolves a format spec.
 * @throws {UnsupportedFormatError} (415) for a name it does not know
 * @throws {LogFormatSyntaxError} (400) for a log_format string that does not compile, with the column
 */
export function resolveLineParser(spec: string): LineParser {
  const named = NAMED_FORMATS.get(spec.trim().toLowerCase());
  if (named) return named;
  if (!looksLikeLogFormat(spec)) throw new UnsupportedFormatError(spec);

  const cached = compiled.get(spec);
  if (cached) {
    // Map keeps insertion order: re-inserting marks the entry as most recently used.
    compiled.delete(spec);
    compiled.set(spec, cached);
    return cached;
  }
  const parser = compileLogFormat(spec);
  if (compiled.size >= LOG_FORMAT_CACHE_SIZE) compiled.delete(compiled.keys().next().value!);
  compiled.set(spec, parser);
  return parser;
}

/** How many compiled log_format strings the cache holds (for tests and metrics). */
export function cachedLogFormatCount(): number {
  return compiled.size;
}
