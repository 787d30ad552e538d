import type { Result } from '../lib/result/index.ts';
import type { FieldMap } from './field-values.ts';

/**
 * A compiled log format: one line of text → its fields, named canonically or by nginx variable.
 * Validation into the canonical record happens after, in `normalizeFields`, the same for every format.
 */
export interface LineParser {
  /** The format spec as the client named it (`json`, `combined`, or the log_format string). */
  readonly name: string;
  /** The error names the first field that failed to match. */
  parse(line: string): Result<FieldMap>;
}
