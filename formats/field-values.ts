/**
 * What a format's parser hands to normalization: one parsed line as field name → value, before any
 * validation. Names are canonical (`status`, `path`) or nginx variables (`body_bytes_sent`,
 * `time_local`); aliases.ts maps both. Part of the formats contract: every parser produces it, and the ingest's normalization consumes it.
 */
export type FieldValue = string | number | boolean | null | undefined;
/** One parsed line, before validation: field name → value as the format carried it. */
export type FieldMap = Record<string, FieldValue>;

/** The positional name of the `n`th (1-based) field appended after a known layout. */
export function positionalName(n: number): string {
  return `field_${n}`;
}
