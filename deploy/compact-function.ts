/**
 * The compaction Lambda (functions/compact.ts) on an EventBridge schedule: hourly at minute 20, after
 * the crawler, it rewrites the closed hours into Parquet and replaces the Athena view's watermark
 * (docs/architecture.md, "Compaction"). Its role's permissions are exactly the compaction policy
 * `accesslake provision --print-policy --policy compaction` prints (glue/iam-policy.ts
 * `compactionPolicy`, filled with this stack's bucket, region and account), plus writing its own logs.
 * Reserved concurrency 1, so the Lambda never races itself; the lake's compaction lease
 * (compact/lease.ts) keeps it off a CLI run's hours as well.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { compactionPolicy } from '../glue/index.ts';
import { ScheduledFunction } from './scheduled-function.ts';
import type { DeploySettings } from './settings.ts';
import { stackProvisionOptions } from './stack-provision-options.ts';

export interface CompactFunctionProps {
  bucket: s3.Bucket;
  settings: DeploySettings;
}

export function createCompactFunction(
  scope: Construct,
  id: string,
  props: CompactFunctionProps,
): ScheduledFunction {
  const { bucket, settings } = props;
  const stack = Stack.of(scope);
  const { names } = settings;
  return new ScheduledFunction(scope, id, {
    description: 'accesslake compaction: closed hours into Parquet, the view moved past them',
    policyName: 'compaction',
    policy: compactionPolicy(stackProvisionOptions(bucket.bucketName, stack.region, settings), stack.account),
    code: settings.compactLambdaCode,
    // An hour of a 20-host fleet is ~100,000 rows held as columns while its Parquet object is built.
    memorySize: 2048,
    timeout: Duration.minutes(15),
    reservedConcurrentExecutions: 1,
    environment: {
      ACCESSLAKE_LAKE: `s3://${bucket.bucketName}`,
      ACCESSLAKE_GLUE_DATABASE: names.database,
      ACCESSLAKE_ATHENA_WORKGROUP: names.workgroup,
      ACCESSLAKE_COMPACT_MAX_HOURS: '24',
    },
    schedule: settings.compactSchedule,
    // A failed run is not retried: the next hourly run compacts what it left, the lease keeps them apart.
    retryAttempts: 0,
  });
}
