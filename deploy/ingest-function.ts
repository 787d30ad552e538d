/**
 * The ingest Lambda behind a Function URL: the esbuild zip of functions/ingest.ts, its own role that may
 * only put objects under the data and rejects prefixes, read its token secret, write its own log
 * group and (crawler mode) register partitions, and the tokens in Secrets Manager, read at cold start.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { lambdaRuntime } from './lambda-runtime.ts';
import type { DeploySettings } from './settings.ts';

export interface IngestFunctionProps {
  bucket: s3.Bucket;
  settings: DeploySettings;
  /** Glue ARNs the ingest may register partitions in (crawler mode); none with projection. */
  glue?: { catalogArn: string; databaseArn: string; tableArn: string; crawlerArn: string };
}

// A Function URL takes at most 6 MB per request, and a binary body arrives base64 (4/3 larger), so
// the compressed cap stays at 4 MiB (Lambda quotas: invocation payload 6 MB, synchronous).
const LAMBDA_MAX_BODY = '4MiB';

export class IngestFunction extends Construct {
  readonly function: lambda.Function;
  readonly url: lambda.FunctionUrl;
  readonly tokenSecret: secretsmanager.Secret;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: IngestFunctionProps) {
    super(scope, id);
    const { bucket, settings } = props;
    const { names } = settings;

    this.tokenSecret = new secretsmanager.Secret(this, 'Tokens', {
      description: 'accesslake ingest bearer tokens, comma-separated ("new,old" while rotating)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'accesslake ingest: put objects under its prefixes, read its token, write its logs',
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PutLakeObjects',
        actions: ['s3:PutObject'],
        resources: [
          bucket.arnForObjects(`${names.dataPrefix}/*`),
          bucket.arnForObjects(`${names.rejectsPrefix}/*`),
          bucket.arnForObjects(`${names.batchesPrefix}/*`),
        ],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        // A claim that exists (If-None-Match: * answered 412) is read to compare the batch's digest.
        sid: 'ReadBatchClaims',
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects(`${names.batchesPrefix}/*`)],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        // A batch whose writes failed part-way removes the data objects it wrote (never acknowledged).
        sid: 'RemoveUnacknowledgedObjects',
        actions: ['s3:DeleteObject'],
        resources: [bucket.arnForObjects(`${names.dataPrefix}/*`)],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTokens',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.tokenSecret.secretArn],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    if (props.glue) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'RegisterPartitions',
          // BatchCreatePartition needs the catalog, the database and the table
          // (Glue "Specifying AWS Glue resource ARNs": partition calls are authorized on all three).
          actions: ['glue:BatchCreatePartition', 'glue:GetTable'],
          resources: [props.glue.catalogArn, props.glue.databaseArn, props.glue.tableArn],
        }),
      );
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'StartCrawlerWhenTableMissing',
          actions: ['glue:StartCrawler'],
          resources: [props.glue.crawlerArn],
        }),
      );
    }

    this.function = new lambda.Function(this, 'Function', {
      description: 'accesslake ingest (POST /v1/batches)',
      runtime: lambdaRuntime(),
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(settings.lambdaCode),
      role: this.role,
      memorySize: settings.lambdaMemoryMb,
      timeout: Duration.seconds(30),
      logGroup,
      // The handler already writes one JSON object per line; TEXT keeps Lambda from wrapping it again.
      loggingFormat: lambda.LoggingFormat.TEXT,
      environment: {
        ACCESSLAKE_LAKE: `s3://${bucket.bucketName}`,
        ACCESSLAKE_TOKENS_SECRET: this.tokenSecret.secretArn,
        ACCESSLAKE_MAX_BODY_BYTES: LAMBDA_MAX_BODY,
        // Parsing holds the text, its records and their gzip at once: a sixteenth of memory is safe.
        ACCESSLAKE_MAX_DECOMPRESSED_BYTES: `${Math.min(128, Math.floor(settings.lambdaMemoryMb / 16))}MiB`,
        ACCESSLAKE_LOG_LEVEL: 'info',
        // Crawler mode: register each fresh hour right away (BatchCreatePartition, or StartCrawler
        // while the table does not exist yet). Projection tables need no partitions.
        ...(props.glue
          ? {
              ACCESSLAKE_REGISTER_PARTITIONS: 'glue',
              ACCESSLAKE_GLUE_DATABASE: names.database,
              ACCESSLAKE_GLUE_TABLE: names.table,
              ACCESSLAKE_GLUE_CRAWLER: names.crawler,
            }
          : { ACCESSLAKE_REGISTER_PARTITIONS: 'off' }),
      },
    });
    // The agent authenticates with its bearer token; the URL itself is public (auth type NONE).
    this.url = this.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
  }
}
