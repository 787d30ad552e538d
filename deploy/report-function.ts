/**
 * The scheduled report: the esbuild zip of functions/report.ts, run by an EventBridge rule, in the
 * reports workgroup, writing under the lake bucket's `reports/`. Its role's permissions are exactly the
 * report policy `accesslake provision --print-policy --policy report` prints (glue/iam-policy.ts
 * `reportPolicy`, filled with this stack's bucket, region and account), plus writing its own logs.
 * Mail is off: SMTP settings are secrets to add by hand (docs/deploy.md).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { reportPolicy } from '../glue/iam-policy.ts';
import { resolveProvisionOptions } from '../provision/options.ts';
import { lambdaRuntime } from './lambda-runtime.ts';
import type { DeploySettings } from './settings.ts';

export interface ReportFunctionProps {
  bucket: s3.Bucket;
  settings: DeploySettings;
}

/** The provision options of this stack's lake (bucket root, no prefix), with CloudFormation tokens. */
export function stackProvisionOptions(bucketName: string, region: string, settings: DeploySettings) {
  // Resolved from a placeholder (tokens are not valid bucket names to the parser), then the tokens set.
  const o = resolveProvisionOptions({ storage: 's3://placeholder-bucket', region: 'us-east-1' }, {});
  return {
    ...o,
    bucket: bucketName,
    region,
    database: settings.names.database,
    table: settings.names.table,
    workgroup: settings.names.workgroup,
    reportsWorkgroup: settings.names.reportsWorkgroup,
    reportsBytesScannedCutoff: settings.reportsBytesScannedCutoff,
  };
}

export class ReportFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: ReportFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { bucket, settings } = props;
    const o = stackProvisionOptions(bucket.bucketName, stack.region, settings);

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Inline policies live inside the role resource: whatever uses the role gets them with it.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'accesslake report: the printed report policy, plus its own logs',
      inlinePolicies: {
        report: iam.PolicyDocument.fromJson(reportPolicy(o, stack.account)),
        logs: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'WriteOwnLogs',
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [logGroup.logGroupArn],
            }),
          ],
        }),
      },
    });

    this.function = new lambda.Function(this, 'Function', {
      description: `accesslake ${settings.reportPeriod} report (Athena CTAS → S3 reports/)`,
      runtime: lambdaRuntime(),
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(settings.reportCode),
      role: this.role,
      memorySize: 512,
      // The report waits for Athena: a quarter over a busy lake can take minutes. Lambda's maximum.
      timeout: Duration.minutes(15),
      logGroup,
      loggingFormat: lambda.LoggingFormat.TEXT,
      environment: {
        REPORT_PERIOD: settings.reportPeriod,
        REPORT_OUT: `s3://${bucket.bucketName}`,
        ACCESSLAKE_ATHENA_WORKGROUP: settings.names.reportsWorkgroup,
        ACCESSLAKE_GLUE_DATABASE: settings.names.database,
      },
    });
    // A retried event carries the same `time`, so a retry reports the same period (reports/lambda-handler.ts).
    this.rule = new events.Rule(this, 'Schedule', {
      description: `accesslake ${settings.reportPeriod} report`,
      schedule: events.Schedule.expression(settings.reportSchedule),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2 })],
    });
  }
}
