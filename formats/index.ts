/**
 * nginx formats, the contract the ingest, the agent and the traffic generator share: the format registry
 * (`X-Log-Format` or `--format` → a {@link LineParser}), the `log_format` compiler and the renderer `gen`
 * writes lines with, the field values parsers produce, and nginx's value escaping. Everything outside `formats/` imports
 * this file; it is web-standard (the ingest runs it in Lambda, workerd and Deno). The nginx.conf reader
 * needs `node:fs`, so it is its own entry for the agent: `formats/nginx-conf/index.ts`.
 * docs/formats.md describes each format for users.
 */

export { LogFormatSyntaxError, UnsupportedFormatError } from './errors.ts';
// The field-map builders are internals, exported for the module's own tests (test/formats/field-map.test.ts).
export { type FieldMapBuilder, fieldMapBuilder, keyedBuilder, literalBuilder } from './field-map.ts';
export { type FieldMap, type FieldValue, positionalName } from './field-values.ts';
export { type CompiledLogFormat, compileLogFormat } from './log-format-compile.ts';
export { type EscapeMode, parseLogFormatSpec, toLogFormatSpec } from './log-format-spec.ts';
export {
  COMBINED_LOG_FORMAT,
  cachedLogFormatCount,
  LOG_FORMAT_CACHE_SIZE,
  MAIN_LOG_FORMAT,
  resolveLineParser,
} from './registry.ts';
export { escapeValue, formatTimeLocal, renderLogLine } from './render.ts';
export type { LineParser } from './types.ts';
export { decodeJsonEscapes, decodeNginxEscapes } from './unescape.ts';
