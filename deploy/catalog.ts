/**
 * The Glue side of the lake, one of two ways (context `catalog`), for the raw JSON table
 * `access_logs_raw`:
 * - `crawler`: the table defined here without projection, and a crawler on a schedule with it as its
 *   catalog target, adding partitions, with its own least-privilege role (columns never dropped).
 * - `projection`: the table defined here with partition projection on year/month/day/hour, so Athena
 *   needs no crawler and no partition registration.
 * Both: the Parquet table `access_logs_compacted` (projection). The view `access_logs` over both is made
 * through Athena by the compaction Lambda's first run (docs/architecture.md, "Compaction").
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  CRAWLER_CATALOG_ACTIONS,
  compactedTableInput,
  INPUT_FORMAT,
  OUTPUT_FORMAT,
  PARTITION_KEYS,
  projectionParametersAt,
  SERDE,
} from '../glue/index.ts';
import { CANONICAL_COLUMNS } from '../lake-contract/index.ts';
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

    const compacted = compactedTableInput(
      names.compactedTable,
      `s3://${bucket.bucketName}/${names.compactedPrefix}/`,
    );
    const compactedTable = new glue.CfnTable(this, 'CompactedTable', {
      catalogId: stack.account,
      databaseName: names.database,
      tableInput: {
        name: compacted.Name!,
        description: compacted.Description!,
        tableType: 'EXTERNAL_TABLE',
        parameters: compacted.Parameters!,
        partitionKeys: PARTITION_KEYS.map((key) => ({ name: key, type: 'string' })),
        storageDescriptor: {
          location: compacted.StorageDescriptor!.Location!,
          inputFormat: compacted.StorageDescriptor!.InputFormat!,
          outputFormat: compacted.StorageDescriptor!.OutputFormat!,
          serdeInfo: {
            serializationLibrary: compacted.StorageDescriptor!.SerdeInfo!.SerializationLibrary!,
            parameters: { 'serialization.format': '1' },
          },
          columns: compacted.StorageDescriptor!.Columns!.map((c) => ({ name: c.Name!, type: c.Type! })),
        },
      },
    });
    compactedTable.addResourceDependency(database);

    const table = new glue.CfnTable(this, 'Table', {
      catalogId: stack.account,
      databaseName: names.database,
      tableInput: rawTable(names.table, dataLocation, settings.catalog === 'projection'),
    });
    table.addResourceDependency(database);
    if (settings.catalog === 'projection') {
      this.crawlerRole = undefined;
      return;
    }

    this.crawlerRole = new iam.Role(this, 'CrawlerRole', {
      assumedBy: new iam.ServicePrincipal('glue.amazonaws.com'),
      description:
        'accesslake crawler: read access_logs/, maintain the access_logs_raw table, write crawler logs',
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
      // The raw table as a catalog target (glue/crawler.ts says why not an S3 path); crawled whole, as
      // incremental crawling is for S3 targets; LOG/LOG: a column is never dropped behind the queries.
      targets: { catalogTargets: [{ databaseName: names.database, tables: [names.table] }] },
      schedule: { scheduleExpression: settings.crawlerSchedule },
      recrawlPolicy: { recrawlBehavior: 'CRAWL_EVERYTHING' },
      schemaChangePolicy: { updateBehavior: 'LOG', deleteBehavior: 'LOG' },
      configuration: JSON.stringify({
        Version: 1.0,
        CrawlerOutput: { Partitions: { AddOrUpdateBehavior: 'InheritFromTable' } },
      }),
    });
    // The target table (which follows the database) must exist first. Glue also validates the target
    // with the crawler's role at creation: the role's policy (its DefaultPolicy, a child of the role)
    // must exist first, not only the role.
    crawler.addResourceDependency(table);
    crawler.node.addDependency(this.crawlerRole);
  }
}

/**
 * The `access_logs_raw` table: JSON lines, gzip, one folder per UTC hour, with partition projection or
 * (crawler mode) without. The same table `accesslake provision` creates (glue/projection-table.ts).
 */
function rawTable(name: string, location: string, projection: boolean): glue.CfnTable.TableInputProperty {
  const { EXTERNAL, classification, compressionType } = projectionParametersAt(location);
  return {
    name,
    tableType: 'EXTERNAL_TABLE',
    parameters: projection
      ? projectionParametersAt(location)
      : { EXTERNAL: EXTERNAL!, classification: classification!, compressionType: compressionType! },
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
