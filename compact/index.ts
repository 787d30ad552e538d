/**
 * Compaction: closed hours of the raw JSONL lake rewritten as one Parquet object each, and the view that
 * reads the compacted hours up to the watermark and the raw ones after it (docs/architecture.md,
 * "Compaction"). Outsiders import this file: the CLI and `up` run `compactLake` under the lake's lease,
 * the Lambda entry wraps `createCompactHandler`, the query engines read the layout and state to pick
 * which files cover a range, and provisioning creates the view.
 */

export {
  type CompactionPrefixes,
  compactedObjectKey,
  DEFAULT_COMPACTION_PREFIXES,
  type HourKey,
  hoursBetween,
  isHourKey,
  parseState,
  rawHourPrefix,
  stateObjectKey,
} from '../lake-contract/index.ts';
export { createViewSql, DEFAULT_VIEW_NAMES, publishAthenaView, type ViewNames } from './athena-view.ts';
export { createCompactHandler } from './lambda-handler.ts';
export { CompactionBusyError, DEFAULT_LEASE_TTL_MS } from './lease.ts';
export { EVENT_TIME_COLUMN } from './parquet.ts';
export { type CompactResult, compactLake, type HourEvent } from './run.ts';
