/**
 * The scheduled report: the esbuild zip of functions/report.ts, run by an EventBridge rule, in the
 * reports workgroup, writing under the lake bucket's `reports/`. Its role's permissions are exactly the
 * report policy `accesslake provision --print-policy --policy report` prints (glue/iam-policy.ts
 * `reportPolicy`, filled with this stack's bucket, region and account), plus writing its own logs.
 * Mail is off: SMTP settings are secrets to add by hand (docs/deploy.md).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { reportPolicy } from '../glue/index.ts';
import { ScheduledFunction } from './scheduled-function.ts';
import type { DeploySettings } from './settings.ts';
import { stackProvisionOptions } from './stack-provision-options.ts';

export interface ReportFunctionProps {
  bucket: s3.Bucket;
  settings: DeploySettings;
}

export function createReportFunction(
  scope: Construct,
  id: string,
  props: ReportFunctionProps,
): ScheduledFunction {
  const { bucket, settings } = props;
  const stack = Stack.of(scope);
  return new ScheduledFunction(scope, id, {
    description: `accesslake ${settings.reportPeriod} report (Athena CTAS → S3 reports/)`,
    policyName: 'report',
    policy: reportPolicy(stackProvisionOptions(bucket.bucketName, stack.region, settings), stack.account),
    code: settings.reportCode,
    memorySize: 512,
    // The report waits for Athena: a quarter over a busy lake can take minutes. Lambda's maximum.
    timeout: Duration.minutes(15),
    environment: {
      REPORT_PERIOD: settings.reportPeriod,
      REPORT_OUT: `s3://${bucket.bucketName}`,
      ACCESSLAKE_ATHENA_WORKGROUP: settings.names.reportsWorkgroup,
      ACCESSLAKE_GLUE_DATABASE: settings.names.database,
    },
    schedule: settings.reportSchedule,
    // A retried event carries the same `time`, so a retry reports the same period (reports/lambda-handler.ts).
    retryAttempts: 2,
  });
}
