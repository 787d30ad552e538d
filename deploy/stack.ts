/**
 * The whole AWS side of accesslake in one stack: the lake bucket (encrypted, private, TLS only, with
 * lifecycle rules on rejects and query results), the ingest Lambda with its Function URL and token
 * secret, the Glue database with the raw table (crawler or partition projection) and the Parquet table,
 * the Athena workgroups (queries, and reports with their own cutoff), the scheduled compaction Lambda
 * (which makes the view `access_logs` over both tables) and the scheduled report Lambda.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { REPORTS_RESULTS_FOLDER } from '../provision/contract/index.ts';
import { Catalog } from './catalog.ts';
import { createCompactFunction } from './compact-function.ts';
import { IngestFunction } from './ingest-function.ts';
import { createReportFunction } from './report-function.ts';
import type { ScheduledFunction } from './scheduled-function.ts';
import type { DeploySettings } from './settings.ts';

export interface AccessLakeStackProps extends StackProps {
  settings: DeploySettings;
}

export class AccessLakeStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly ingest: IngestFunction;
  readonly catalog: Catalog;
  readonly report: ScheduledFunction;
  readonly compact: ScheduledFunction;

  constructor(scope: Construct, id: string, props: AccessLakeStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const { names } = settings;

    this.bucket = new s3.Bucket(this, 'Lake', {
      ...(settings.bucketName ? { bucketName: settings.bucketName } : {}),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // The lake is the product: deleting the stack leaves the data.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-rejects',
          prefix: `${names.rejectsPrefix}/`,
          expiration: Duration.days(settings.rejectsExpireDays),
        },
        {
          id: 'expire-athena-results',
          prefix: `${names.resultsPrefix}/`,
          expiration: Duration.days(settings.resultsExpireDays),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });

    this.catalog = new Catalog(this, 'Catalog', { bucket: this.bucket, settings });
    this.ingest = new IngestFunction(this, 'Ingest', {
      bucket: this.bucket,
      settings,
      ...(settings.catalog === 'crawler'
        ? {
            glue: {
              catalogArn: this.catalog.catalogArn,
              databaseArn: this.catalog.databaseArn,
              tableArn: this.catalog.tableArn,
              crawlerArn: this.catalog.crawlerArn,
            },
          }
        : {}),
    });

    this.compact = createCompactFunction(this, 'Compact', { bucket: this.bucket, settings });

    const workGroup = (id: string, name: string, description: string, cutoff: number, results: string) =>
      new athena.CfnWorkGroup(this, id, {
        name,
        description,
        state: 'ENABLED',
        recursiveDeleteOption: true,
        workGroupConfiguration: {
          // Enforced: clients cannot point results elsewhere or lift the cutoff. A report's CTAS
          // therefore names no location and lands in <results>/tables/<query-id>/.
          enforceWorkGroupConfiguration: true,
          engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
          bytesScannedCutoffPerQuery: cutoff,
          publishCloudWatchMetricsEnabled: true,
          resultConfiguration: {
            outputLocation: `s3://${this.bucket.bucketName}/${results}/`,
            encryptionConfiguration: { encryptionOption: 'SSE_S3' },
          },
        },
      });
    const queryWorkGroup = workGroup(
      'WorkGroup',
      names.workgroup,
      'accesslake queries: engine v3, results in the lake bucket, per-query scan cutoff',
      settings.bytesScannedCutoff,
      names.resultsPrefix,
    );
    const reportsWorkGroup = workGroup(
      'ReportsWorkGroup',
      names.reportsWorkgroup,
      'accesslake reports: CTAS into its results folder, a scan cutoff of its own',
      settings.reportsBytesScannedCutoff,
      `${names.resultsPrefix}/${REPORTS_RESULTS_FOLDER}`,
    );

    this.report = createReportFunction(this, 'Report', { bucket: this.bucket, settings });
    // The first scheduled run needs the workgroup it runs in.
    this.report.rule.node.addDependency(reportsWorkGroup);
    // Compaction replaces the view through Athena in the query workgroup.
    this.compact.rule.node.addDependency(queryWorkGroup);

    new CfnOutput(this, 'IngestUrl', {
      value: this.ingest.url.url,
      description: 'agent --endpoint (POST /v1/batches)',
    });
    new CfnOutput(this, 'LakeBucket', { value: this.bucket.bucketName });
    new CfnOutput(this, 'TokenSecretArn', { value: this.ingest.tokenSecret.secretArn });
    new CfnOutput(this, 'GetTokenCommand', {
      value: `aws secretsmanager get-secret-value --secret-id ${this.ingest.tokenSecret.secretArn} --query SecretString --output text`,
      description: 'prints the agent --token',
    });
    new CfnOutput(this, 'AthenaWorkGroup', { value: names.workgroup });
    new CfnOutput(this, 'AthenaReportsWorkGroup', { value: names.reportsWorkgroup });
  }
}
