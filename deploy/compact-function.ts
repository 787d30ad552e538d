/**
 * The compaction Lambda (functions/compact.ts) on an EventBridge schedule: hourly at minute 20, after
 * the crawler, it rewrites the closed hours into Parquet and replaces the Athena view's watermark
 * (docs/architecture.md, "Compaction"). Reserved concurrency 1, so two runs never overlap. Its role may
 * read the raw tier and the state, write the compacted tier and the state, run the view's DDL in the
 * workgroup, and store the view in Glue: nothing else.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { lambdaRuntime } from './lambda-runtime.ts';
import type { DeploySettings } from './settings.ts';

export interface CompactFunctionProps {
  bucket: s3.Bucket;
  settings: DeploySettings;
  catalogArn: string;
  databaseArn: string;
}

export class CompactFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: CompactFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { bucket, settings } = props;
    const { names } = settings;
    const table = (name: string) =>
      stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${names.database}/${name}` });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'accesslake compaction: raw tier in, Parquet tier and state out, the view replaced',
    });
    const statements: iam.PolicyStatementProps[] = [
      {
        sid: 'ReadRawTierAndState',
        actions: ['s3:GetObject'],
        resources: [
          bucket.arnForObjects(`${names.dataPrefix}/*`),
          bucket.arnForObjects(`${names.statePrefix}/*`),
        ],
      },
      {
        sid: 'WriteCompactedTierAndState',
        actions: ['s3:PutObject'],
        resources: [
          bucket.arnForObjects(`${names.compactedPrefix}/*`),
          bucket.arnForObjects(`${names.statePrefix}/*`),
        ],
      },
      {
        // Listing the state prefix too: without it S3 answers a missing state object with 403, not 404.
        sid: 'ListRawTierAndState',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: {
          StringLike: {
            's3:prefix': [
              `${names.dataPrefix}/*`,
              `${names.dataPrefix}/`,
              `${names.statePrefix}/*`,
              `${names.statePrefix}/`,
            ],
          },
        },
      },
      {
        sid: 'ReplaceTheViewInTheWorkgroup',
        actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'],
        resources: [
          stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: names.workgroup }),
        ],
      },
      {
        sid: 'StoreTheView',
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable'],
        resources: [
          props.catalogArn,
          props.databaseArn,
          table(names.view),
          table(names.table),
          table(names.compactedTable),
        ],
      },
      {
        sid: 'WriteQueryResults',
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [bucket.arnForObjects(`${names.resultsPrefix}/*`)],
      },
      { sid: 'LocateTheBucket', actions: ['s3:GetBucketLocation'], resources: [bucket.bucketArn] },
      {
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      },
    ];
    for (const statement of statements) this.role.addToPolicy(new iam.PolicyStatement(statement));

    this.function = new lambda.Function(this, 'Function', {
      description: 'accesslake compaction: closed hours into Parquet, the view moved past them',
      runtime: lambdaRuntime(),
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(settings.compactLambdaCode),
      role: this.role,
      // An hour of a 20-host fleet is ~100,000 rows held as columns while its Parquet object is built.
      memorySize: 2048,
      timeout: Duration.minutes(15),
      reservedConcurrentExecutions: 1,
      logGroup,
      loggingFormat: lambda.LoggingFormat.TEXT,
      environment: {
        ACCESSLAKE_LAKE: `s3://${bucket.bucketName}`,
        ACCESSLAKE_GLUE_DATABASE: names.database,
        ACCESSLAKE_ATHENA_WORKGROUP: names.workgroup,
        ACCESSLAKE_COMPACT_MAX_HOURS: '24',
      },
    });
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'accesslake compaction, hourly',
      schedule: events.Schedule.expression(settings.compactSchedule),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }
}
