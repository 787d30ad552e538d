/**
 * Fields after the end of a named layout (`combined`, `main`): users append a field or two (`"$gzip_ratio"`,
 * `"$http_x_forwarded_for"`, `rt=$request_time`) and still call the format combined. They are kept as
 * `field_1`, `field_2`, … (the extra policy's positional names, ingest/records/extra.ts).
 */

import { ok, type Result } from '../lib/result/index.ts';
import { splitAwsLine } from './aws-tokens.ts';
import type { FieldMap } from './field-values.ts';
import { positionalName } from './field-values.ts';

/**
 * The blank-separated fields after a named layout (`"-"`, `"2.75"`, `rt=0.1`) → `field_1`, `field_2`, …
 * (the extra policy's positional names), unescaped like the format's values.
 */
export function appendFields(
  fields: FieldMap,
  line: string,
  from: number,
  name: string,
  decode: ((value: string) => string) | null,
): Result<FieldMap> {
  const split = splitAwsLine(line, `${name} appended`, { from });
  if (!split.success) return split;
  for (let i = 0; i < split.data.length; i++) {
    const value = split.data[i]!;
    fields[positionalName(i + 1)] = decode !== null && value.includes('\\') ? decode(value) : value;
  }
  return ok(fields);
}
