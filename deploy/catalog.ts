/**
 * The Glue side of the lake, one of two ways (context `catalog`):
 * - `crawler`: the database plus a crawler on a schedule over `access_logs/`, with its own
 *   least-privilege role; it creates and evolves the `access_logs` table (columns never dropped).
 * - `projection`: the database plus the `access_logs` table defined here with partition projection on
 *   year/month/day/hour, so Athena needs no crawler and no partition registration.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CRAWLER_CATALOG_ACTIONS } from '../glue/iam-policy.ts';
import {
  INPUT_FORMAT,
  OUTPUT_FORMAT,
  PARTITION_KEYS,
  projectionParametersAt,
  SERDE,
} from '../glue/projection-table.ts';
import { CANONICAL_COLUMNS } from '../ingest/records/canonical.ts';
import type { DeploySettings } from './settings.ts';

export interface CatalogProps {
  bucket: s3.Bucket;
  settings: DeploySettings;
}

export class Catalog extends Construct {
  readonly catalogArn: string;
  readonly databaseArn: string;
  readonly tableArn: string;
  readonly crawlerArn: string;
  readonly crawlerRole: iam.Role | undefined;

  constructor(scope: Construct, id: string, props: CatalogProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { bucket, settings } = props;
    const { names } = settings;
    this.catalogArn = stack.formatArn({ service: 'glue', resource: 'catalog' });
    this.databaseArn = stack.formatArn({
      service: 'glue',
      resource: 'database',
      resourceName: names.database,
    });
    this.tableArn = stack.formatArn({
      service: 'glue',
      resource: 'table',
      resourceName: `${names.database}/${names.table}`,
    });
    this.crawlerArn = stack.formatArn({ service: 'glue', resource: 'crawler', resourceName: names.crawler });
    const dataLocation = `s3://${bucket.bucketName}/${names.dataPrefix}/`;

    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: names.database, description: 'accesslake: nginx access logs' },
    });

    if (settings.catalog === 'projection') {
      const table = new glue.CfnTable(this, 'Table', {
        catalogId: stack.account,
        databaseName: names.database,
        tableInput: projectionTable(names.table, dataLocation),
      });
      table.addResourceDependency(database);
      this.crawlerRole = undefined;
      return;
    }

    this.crawlerRole = new iam.Role(this, 'CrawlerRole', {
      assumedBy: new iam.ServicePrincipal('glue.amazonaws.com'),
      description:
        'accesslake crawler: read access_logs/, maintain the access_logs table, write crawler logs',
    });
    this.crawlerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadData',
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects(`${names.dataPrefix}/*`)],
      }),
    );
    this.crawlerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListData',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: {
          StringLike: { 's3:prefix': [`${names.dataPrefix}/*`, `${names.dataPrefix}/`, names.dataPrefix] },
        },
      }),
    );
    this.crawlerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'MaintainTable',
        actions: [...CRAWLER_CATALOG_ACTIONS],
        resources: [this.catalogArn, this.databaseArn, this.tableArn],
      }),
    );
    // Crawlers log to the fixed group /aws-glue/crawlers (Glue developer guide, "Crawler logs").
    const crawlerLogs = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: '/aws-glue/crawlers',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.crawlerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteCrawlerLogs',
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [crawlerLogs, `${crawlerLogs}:*`],
      }),
    );

    const crawler = new glue.CfnCrawler(this, 'Crawler', {
      name: names.crawler,
      role: this.crawlerRole.roleArn,
      databaseName: names.database,
      targets: { s3Targets: [{ path: dataLocation }] },
      schedule: { scheduleExpression: settings.crawlerSchedule },
      // Only new hour folders are read; with CRAWL_NEW_FOLDERS_ONLY Glue requires LOG/LOG, which also
      // means a column is never dropped or changed behind the queries' back.
      recrawlPolicy: { recrawlBehavior: 'CRAWL_NEW_FOLDERS_ONLY' },
      schemaChangePolicy: { updateBehavior: 'LOG', deleteBehavior: 'LOG' },
      configuration: JSON.stringify({
        Version: 1.0,
        Grouping: { TableGroupingPolicy: 'CombineCompatibleSchemas' },
        CrawlerOutput: { Partitions: { AddOrUpdateBehavior: 'InheritFromTable' } },
      }),
    });
    crawler.addResourceDependency(database);
    // Glue validates the target with the crawler's role at creation: the role's policy (its
    // DefaultPolicy, a child of the role) must exist first, not only the role.
    crawler.node.addDependency(this.crawlerRole);
  }
}

/**
 * The `access_logs` table with partition projection: JSON lines, gzip, one folder per UTC hour. The same
 * table `accesslake provision --table projection` creates (glue/projection-table.ts), in CDK's shape.
 */
function projectionTable(name: string, location: string): glue.CfnTable.TableInputProperty {
  return {
    name,
    tableType: 'EXTERNAL_TABLE',
    parameters: projectionParametersAt(location),
    partitionKeys: PARTITION_KEYS.map((key) => ({ name: key, type: 'string' })),
    storageDescriptor: {
      location,
      inputFormat: INPUT_FORMAT,
      outputFormat: OUTPUT_FORMAT,
      serdeInfo: { serializationLibrary: SERDE, parameters: { 'serialization.format': '1' } },
      columns: CANONICAL_COLUMNS.map(([column, type]) => ({ name: column, type })),
    },
  };
}
