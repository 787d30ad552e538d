/** Names shared by `provision`, the partition registrar and the query CLI (shared/DESIGN.md defaults). */
export const GLUE_DEFAULTS = {
  database: 'accesslake',
  table: 'access_logs',
  crawler: 'accesslake-access-logs',
  workgroup: 'accesslake',
  dataPrefix: 'access_logs',
  rejectsPrefix: 'rejects',
  /** Batch claims (ingest/lake/batch-claim.ts): read and created by the ingest, outside the crawled path. */
  batchesPrefix: 'batches',
  resultsPrefix: 'athena-results',
} as const;

/** Default Athena cost guard: a query that would scan more than 10 GiB (about $0.05) is cancelled. */
export const DEFAULT_BYTES_SCANNED_CUTOFF = 10 * 1024 ** 3;
/** Athena's floor for BytesScannedCutoffPerQuery (API_WorkGroupConfiguration: minimum 10000000). */
export const MIN_BYTES_SCANNED_CUTOFF = 10_000_000;
