/**
 * Compaction: closed hours of the raw JSONL lake rewritten as one Parquet object each, and the view that
 * reads the compacted hours up to the watermark and the raw ones after it (docs/architecture.md,
 * "Compaction"). Outsiders import this file: the CLI and `up` run `compactLake` under the lake's lease,
 * the Lambda entry wraps `createCompactHandler`, and provisioning creates the view. The compacted
 * layout and the watermark state, which the query engines read too, are the lake contract's
 * (lake-contract/).
 */

export { createViewSql, DEFAULT_VIEW_NAMES, publishAthenaView, type ViewNames } from './athena-view.ts';
export { createCompactHandler } from './lambda-handler.ts';
export { CompactionBusyError, DEFAULT_LEASE_TTL_MS } from './lease.ts';
export { EVENT_TIME_COLUMN } from './parquet.ts';
export { type CompactResult, compactLake, type HourEvent } from './run.ts';
export { COMPACT_LAMBDA_SETTINGS, resolveCompactLambdaSettings } from './settings.ts';
