/** Names shared by `provision`, the partition registrar, the query CLI and the CDK stack (docs/aws.md). */
export const GLUE_DEFAULTS = {
  database: 'accesslake',
  /** The raw JSON table (the ingest's objects). */
  table: 'access_logs_raw',
  /** The Parquet table `accesslake compact` writes (docs/architecture.md, "Compaction"). */
  compactedTable: 'access_logs_compacted',
  /** The view users query: compacted hours below the watermark, raw hours from it on. */
  view: 'access_logs',
  crawler: 'accesslake-access-logs',
  workgroup: 'accesslake',
  /** Reports run here: its own, larger scan cutoff (a quarter's scan outgrows the query cutoff). */
  reportsWorkgroup: 'accesslake-reports',
  dataPrefix: 'access_logs',
  compactedPrefix: 'access_logs_compacted',
  statePrefix: 'compaction',
  rejectsPrefix: 'rejects',
  /** Batch claims (ingest/lake/batch-claim.ts): read and created by the ingest, outside the crawled path. */
  batchesPrefix: 'batches',
  resultsPrefix: 'athena-results',
} as const;

/** Default Athena cost guard: a query that would scan more than 10 GiB (about $0.05) is cancelled. */
export const DEFAULT_BYTES_SCANNED_CUTOFF = 10 * 1024 ** 3;
/** Athena's floor for BytesScannedCutoffPerQuery (API_WorkGroupConfiguration: minimum 10000000). */
export const MIN_BYTES_SCANNED_CUTOFF = 10_000_000;
/**
 * The reports workgroup's cutoff: 100 GiB (about $0.49 at $5/TB), room for a quarterly report over a
 * busy lake while still stopping a runaway query.
 */
export const DEFAULT_REPORTS_BYTES_SCANNED_CUTOFF = 100 * 1024 ** 3;
