/**
 * Builds a parsed line's field map from its values in format order. An object made by one literal with
 * fixed keys gets its final shape at once; one filled key by key (`fields[name] = value`) goes through a
 * shape change and a generic keyed store per field, which bench/formats.ts showed to be the largest
 * cost of parsing a combined line. So each compiled format gets a builder that is one object literal
 * over its variable names, made once per format with `new Function`. Where a runtime forbids code
 * generation (Cloudflare workerd refuses `new Function`), the builder fills the object key by key: the
 * same map, slower.
 */
import type { FieldMap, FieldValue } from './field-values.ts';

/** `values[i]` is the value of `keys[i]`; the map has the keys in that order. */
export type FieldMapBuilder = (values: readonly FieldValue[]) => FieldMap;

/** A variable name as the log_format compiler yields it (log-format-compile.ts lower-cases `[A-Za-z0-9_]`). */
const VARIABLE_NAME = /^[a-z0-9_]+$/;

/**
 * The fastest builder this runtime allows for `keys`.
 * @throws {Error} when a key is not a variable name (the compiler never passes one)
 */
export function fieldMapBuilder(keys: readonly string[]): FieldMapBuilder {
  for (const key of keys) {
    if (!VARIABLE_NAME.test(key))
      throw new Error(`field map key ${JSON.stringify(key)} is not a variable name`);
  }
  return literalBuilder(keys) ?? keyedBuilder(keys);
}

/** One object literal over `keys`, or undefined where the runtime refuses code generation. */
export function literalBuilder(keys: readonly string[]): FieldMapBuilder | undefined {
  // Keys are checked variable names, written as JSON strings: the generated code is data, not input.
  const body = `return {${keys.map((key, i) => `${JSON.stringify(key)}: v[${i}]`).join(', ')}};`;
  try {
    return new Function('v', body) as FieldMapBuilder;
  } catch {
    return undefined;
  }
}

/**
 * Fills the map key by key: what {@link literalBuilder} does, for runtimes without code generation. With
 * `skipUndefined`, a slot holding undefined adds no key (an optional field such as `$args`).
 */
export function keyedBuilder(
  keys: readonly string[],
  options: { skipUndefined?: boolean } = {},
): FieldMapBuilder {
  const skipUndefined = options.skipUndefined === true;
  return (values) => {
    const fields: FieldMap = {};
    for (let i = 0; i < keys.length; i++) {
      const value = values[i];
      if (value !== undefined || !skipUndefined) fields[keys[i]!] = value;
    }
    return fields;
  };
}
