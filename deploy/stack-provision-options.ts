/**
 * The provision options of the stack's lake (the bucket's root, no prefix) with CloudFormation tokens for
 * the bucket, region and names: what glue/iam-policy.ts fills in, so a function's role is the very
 * policy `accesslake provision --print-policy` prints for that lake.
 */
import { type ProvisionOptions, resolveProvisionOptions } from '../provision/contract/index.ts';
import type { DeploySettings } from './settings.ts';

export function stackProvisionOptions(
  bucketName: string,
  region: string,
  settings: DeploySettings,
): ProvisionOptions {
  // Resolved from a placeholder (tokens are not valid bucket names to the parser), then the tokens set.
  const o = resolveProvisionOptions({ storage: 's3://placeholder-bucket', region: 'us-east-1' }, {});
  const { names } = settings;
  return {
    ...o,
    bucket: bucketName,
    region,
    database: names.database,
    table: names.table,
    compactedTable: names.compactedTable,
    view: names.view,
    dataPrefix: names.dataPrefix,
    compactedPrefix: names.compactedPrefix,
    resultsPrefix: names.resultsPrefix,
    workgroup: names.workgroup,
    reportsWorkgroup: names.reportsWorkgroup,
    reportsBytesScannedCutoff: settings.reportsBytesScannedCutoff,
  };
}
