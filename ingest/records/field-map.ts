/**
 * What a format's parser hands to normalization: one parsed line as field name → value, before any
 * validation. Names are canonical (`status`, `path`) or nginx variables (`body_bytes_sent`,
 * `time_local`); aliases.ts maps both. Its own file so the alias table and normalize.ts share it without
 * importing each other.
 */
export type FieldValue = string | number | boolean | null | undefined;
/** One parsed line, before validation: field name → value as the format carried it. */
export type FieldMap = Record<string, FieldValue>;
