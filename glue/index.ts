/**
 * The Glue catalog side of the lake: what the tables, the crawler and the IAM policies look like, and the
 * provisioning steps that make them exist. Everything here is a pure definition (AWS SDK input shapes,
 * IAM policy documents) except the steps, which talk to Glue through a client they are given.
 *
 * - `rawTableInput`/`projectionTableDdl` (projection-table.ts): the raw JSON table `access_logs_raw` with
 *   partition projection over `year/month/day/hour` (docs/aws.md);
 * - `compactedTableInput` (compacted-table.ts): the Parquet table `access_logs_compacted`;
 * - `desiredCrawler` (crawler.ts): the crawler that keeps new partitions registered when projection is off;
 * - `crawlerPolicy`, `registrarPolicy`, `queryPolicy`, `reportPolicy`, `compactionPolicy`, … (iam-policy.ts):
 *   least-privilege policies for each role, used by `provision` and the CDK stack;
 * - `databaseStep`, `rawTableStep`, `compactedTableStep`, `crawlerStep` (provision/): steps of the
 *   provisioning contract (provision/contract/), run by the orchestrator in provision/.
 *
 * The lake's names (GLUE_DEFAULTS) are the lake contract's (lake-contract/); the crawler schedule parser
 * is the provisioning contract's (provision/contract/). Import this index, never the files behind it.
 */
export * from './compacted-table.ts';
export * from './crawler.ts';
export * from './iam-policy.ts';
export * from './projection-table.ts';
export * from './provision/crawler-step.ts';
export * from './provision/database-step.ts';
export * from './provision/table-step.ts';
