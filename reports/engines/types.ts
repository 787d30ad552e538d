/** What an engine hands back for one report: the rows for the summary and the two files' bytes. */
export interface ProducedReport {
  /** The report table's rows, in section order. */
  rows: Record<string, unknown>[];
  /** The Parquet file(s): one, unless Athena split its output. */
  parquet: Uint8Array[];
  /** The gzipped CSV of the same rows, with a header line. */
  csvGz: Uint8Array;
  /** Athena only: bytes scanned and their cost, over every query of the run. */
  bytesScanned?: number;
  costUsd?: number;
}
