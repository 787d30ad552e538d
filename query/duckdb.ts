/**
 * The DuckDB engine (`createDuckDbEngine`: the local lake folder as the table `access_logs`, with the
 * Trino macros so the named queries run unchanged; engines/duckdb.ts), kept apart from query/index.ts
 * because it loads DuckDB's native binding: the Lambda bundles (functions/compact.ts, functions/report.ts)
 * import query/index.ts for the Athena engine and must never contain DuckDB (deploy/build-lambda.ts
 * fails the build if they do). Outsiders import query/index.ts or this file, nothing else of query/.
 */
export { createDuckDbEngine, type DuckDbEngineOptions } from './engines/duckdb.ts';
