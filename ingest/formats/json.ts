import { fail, ok } from '../records/canonical.ts';
import type { FieldMap, FieldValue } from '../records/normalize.ts';
import type { LineParser } from './types.ts';

/**
 * nginx `escape=json` lines, e.g. docs/nginx-json-format.md's
 * `{"ts":"$time_iso8601","remote_addr":"$remote_addr",...,"status":$status,"bytes_sent":$body_bytes_sent}`.
 * Keys may be canonical names or nginx variable names; nested values are kept as JSON text.
 */
export const jsonLineParser: LineParser = {
  name: 'json',
  parse(line) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      return fail(`json: not valid JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return fail('json: expected one JSON object per line');
    }
    const fields: FieldMap = {};
    for (const [key, field] of Object.entries(value)) fields[key] = flatten(field);
    return ok(fields);
  },
};

function flatten(value: unknown): FieldValue {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value;
  return JSON.stringify(value);
}
