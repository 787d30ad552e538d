/**
 * One query interface over two engines. DuckDB reads the local lake folder; Athena reads the lake in S3
 * through the Glue catalog. Both expose the table `access_logs` (canonical columns plus string partitions
 * `year`, `month`, `day`, `hour`), and the Trino macros make the same SQL run on both, so the named
 * queries in `athena/queries/` are tested for real on DuckDB. See docs/queries.md.
 *
 * @example
 * const engine = await createDuckDbEngine({ lake: './lake' });
 * const sql = await renderNamedQuery('top-paths', { from: new Date(Date.now() - 3_600_000), to: new Date() });
 * const { rows } = await engine.query(sql);
 * await engine.close();
 */

export { ATHENA_USD_PER_TB, athenaCostUsd } from './athena-cost.ts';
export { type AthenaEngineOptions, createAthenaEngine } from './engines/athena.ts';
export { formatResult, OUTPUT_FORMATS, type OutputFormat } from './format.ts';
export { checkLocalLake } from './lake-check.ts';
export {
  hourKey,
  isNamedQuery,
  loadNamedQuery,
  NAMED_QUERIES,
  type NamedQueryName,
  placeholderValues,
  renderNamedQuery,
  renderRelativeTemplate,
  renderTemplate,
  type TimeRange,
} from './named-queries.ts';
export { hourRangePredicate, PRUNING_MARKERS } from './partition-predicate.ts';
export { estimatedAthenaUsd, type FileRead, type ReadStats, summarizeReads } from './read-stats.ts';
export { DEFAULT_RANGE_MS, parseTimeRange } from './time-range.ts';
export {
  type QueryColumn,
  type QueryEngine,
  QueryError,
  type QueryOptions,
  type QueryResult,
  safeInteger,
} from './types.ts';
