/**
 * The ingest's public surface, web standards only (it runs unchanged in Node, Lambda, Deno and Workers):
 *
 * - `createIngestApp(options)` → a Hono app; `app.fetch(Request) → Response` speaks the wire protocol
 *   (wire/, docs/wire-protocol.md). Entry points build it from flags and environment with
 *   `resolveIngestConfig(flags, env)` (throws `ConfigError` naming the bad value) and
 *   `createIngestFromConfig(config, deps)`; the core never reads `process.env`. `INGEST_SETTINGS` is
 *   the settings table both read: flag, environment variable, default, parser and help line per setting.
 * - The batch path for tools that write the lake without HTTP (rejects replay, benches): `readBatchBody`
 *   / `readBatchLines` / `parseBatchLines` turn lines into canonical records and rejects, `HourlyJsonLines`
 *   and `RejectsJsonLines` hold them, `writeBatch` claims the batch and stores its objects
 *   (docs/record.md).
 * - `PartitionRegistrar`, the hook called after each stored batch, and `createTokenVerifier`, the bearer
 *   token check (constant-time, several tokens at once).
 *
 * Two more entry files stay out of this index so a Worker bundle never pulls them in: `node.ts` (the
 * Node HTTP server, node:net) and `glue.ts` (the Glue partition registrar, AWS SDK). Import these three
 * files only, never the folders behind them (checked by dependency-cruiser: .dependency-cruiser.cjs).
 */
export { createIngestApp, type IngestApp, type IngestOptions } from './app.ts';
export {
  createTokenVerifier,
  ForbiddenError,
  type TokenVerifier,
  UnauthorizedError,
} from './auth/bearer-tokens.ts';
export {
  DETECTION_ORDER,
  DETECTION_SAMPLE_LINES,
  type Detection,
  detectFormat,
  FIT_SHARE,
  type FormatCandidate,
  type FormatTried,
} from './batch/detect-format.ts';
export {
  arrayRejects,
  type FlushingRejectSink,
  type ParsedBatch,
  parseBatchLines,
  type RecordSink,
  readBatchBody,
  readBatchLines,
} from './batch/parse-lines.ts';
export { type Env, type IngestConfig, type IngestFlags, resolveIngestConfig } from './config.ts';
export { createIngestFromConfig, type IngestDependencies } from './create-from-config.ts';
export { HourlyJsonLines, type HourOfRecords } from './lake/hourly-json-lines.ts';
export { type RejectedLine, type RejectSink, RejectsJsonLines } from './lake/rejects-json-lines.ts';
export {
  type BatchToWrite,
  type WriteBatchOptions,
  type WrittenBatch,
  writeBatch,
} from './lake/write-batch.ts';
export type { PartitionRegistrar } from './partitions/types.ts';
export { type FieldMap, type FieldValue, normalizeFields } from './records/normalize.ts';
export { INGEST_SETTINGS } from './settings.ts';
