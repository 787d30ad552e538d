/**
 * Where the lake lives in S3 and what its Glue and Athena resources are called: the input of the
 * definitions in glue/ (crawler, tables, IAM policies) and athena/ (workgroups). Provision's options
 * satisfy it, and so does anything else that names the same resources (the CDK stack's settings).
 */

export interface LakeNames {
  region: string;
  bucket: string;
  /** Key prefix of the lake inside the bucket, without slashes; '' for the bucket root. */
  prefix: string;
  database: string;
  /** The raw JSON table (`access_logs_raw`): the ingest's objects under the data prefix. */
  table: string;
  /** The Parquet table (`access_logs_compacted`) and the view over both (`access_logs`). */
  compactedTable: string;
  view: string;
  dataPrefix: string;
  compactedPrefix: string;
  rejectsPrefix: string;
  resultsPrefix: string;
  crawlerName: string;
  workgroup: string;
  /** The workgroup reports run in, with its own cutoff (athena/workgroup.ts). */
  reportsWorkgroup: string;
}

type Root = Pick<LakeNames, 'bucket' | 'prefix'>;

/** `s3://bucket/prefix/` or `s3://bucket/`. */
export function s3Root(o: Root): string {
  return `s3://${o.bucket}/${o.prefix ? `${o.prefix}/` : ''}`;
}
export const dataLocation = (o: Root & Pick<LakeNames, 'dataPrefix'>) => `${s3Root(o)}${o.dataPrefix}/`;
export const compactedLocation = (o: Root & Pick<LakeNames, 'compactedPrefix'>) =>
  `${s3Root(o)}${o.compactedPrefix}/`;
export const resultsLocation = (o: Root & Pick<LakeNames, 'resultsPrefix'>) =>
  `${s3Root(o)}${o.resultsPrefix}/`;
/** The reports workgroup's results, a folder of the results prefix (so its lifecycle rule covers it). */
export const REPORTS_RESULTS_FOLDER = 'reports';
export const reportsResultsLocation = (o: Root & Pick<LakeNames, 'resultsPrefix'>) =>
  `${resultsLocation(o)}${REPORTS_RESULTS_FOLDER}/`;
/** The object key prefix of a lake folder: `prefix/sub`, or `sub` at the bucket root. */
export const keyPrefix = (o: Pick<LakeNames, 'prefix'>, sub: string) =>
  `${o.prefix ? `${o.prefix}/` : ''}${sub}`;
