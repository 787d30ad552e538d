/**
 * Least-privilege IAM documents for the three principals accesslake involves: the crawler's role, the
 * ingest (partition registration), and whoever runs queries. Resources are scoped to the lake's bucket
 * prefix, the Glue database and table, and the workgroup. `account` is the AWS account id (Glue's
 * CatalogId); `*` when unknown.
 */
import { keyPrefix, type ProvisionOptions } from './provision/options.ts';

type Statement = {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: object;
};
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Statement[];
}

const doc = (...Statement: Statement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });

function catalogArns(o: ProvisionOptions, account: string) {
  const base = `arn:aws:glue:${o.region}:${account}`;
  return [`${base}:catalog`, `${base}:database/${o.database}`, `${base}:table/${o.database}/*`];
}

/** Lets Glue assume the crawler's role. */
export const crawlerTrustPolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'glue.amazonaws.com' }, Action: 'sts:AssumeRole' }],
} as const;

/** What a crawler needs on its table and partitions (also granted by the CDK stack, deploy/catalog.ts). */
export const CRAWLER_CATALOG_ACTIONS = [
  'glue:GetDatabase',
  'glue:GetTable',
  'glue:CreateTable',
  'glue:UpdateTable',
  'glue:GetPartition',
  'glue:GetPartitions',
  'glue:BatchGetPartition',
  'glue:BatchCreatePartition',
  'glue:UpdatePartition',
  'glue:BatchUpdatePartition',
] as const;

/** The crawler reads the data prefix, writes the table and its partitions, and logs to CloudWatch. */
export function crawlerPolicy(o: ProvisionOptions, account = '*'): PolicyDocument {
  const data = keyPrefix(o, o.dataPrefix);
  return doc(
    {
      Sid: 'ReadLakeData',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: `arn:aws:s3:::${o.bucket}/${data}/*`,
    },
    {
      Sid: 'ListLakeData',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: `arn:aws:s3:::${o.bucket}`,
      Condition: { StringLike: { 's3:prefix': [`${data}/*`, `${data}/`] } },
    },
    {
      Sid: 'CatalogTheTable',
      Effect: 'Allow',
      Action: [...CRAWLER_CATALOG_ACTIONS],
      Resource: catalogArns(o, account),
    },
    {
      Sid: 'CrawlerLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `arn:aws:logs:${o.region}:${account}:log-group:/aws-glue/crawlers*`,
    },
  );
}

/** `accesslake serve --register-partitions glue`: add hour partitions, or start the crawler. */
export function registrarPolicy(o: ProvisionOptions, account = '*'): PolicyDocument {
  return doc(
    {
      Sid: 'RegisterHourPartitions',
      Effect: 'Allow',
      Action: ['glue:GetTable', 'glue:BatchCreatePartition'],
      Resource: catalogArns(o, account),
    },
    {
      Sid: 'StartTheCrawler',
      Effect: 'Allow',
      Action: ['glue:StartCrawler'],
      Resource: `arn:aws:glue:${o.region}:${account}:crawler/${o.crawlerName}`,
    },
  );
}

/** `accesslake query --engine athena`, Grafana, reports: run queries in the workgroup only. */
export function queryPolicy(o: ProvisionOptions, account = '*'): PolicyDocument {
  const results = keyPrefix(o, o.resultsPrefix);
  return doc(
    {
      Sid: 'RunQueriesInTheWorkgroup',
      Effect: 'Allow',
      Action: [
        'athena:StartQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:StopQueryExecution',
        'athena:GetWorkGroup',
        'athena:ListNamedQueries',
        'athena:GetNamedQuery',
      ],
      Resource: `arn:aws:athena:${o.region}:${account}:workgroup/${o.workgroup}`,
    },
    {
      Sid: 'ReadTheCatalog',
      Effect: 'Allow',
      Action: [
        'glue:GetDatabase',
        'glue:GetTable',
        'glue:GetPartition',
        'glue:GetPartitions',
        'glue:BatchGetPartition',
      ],
      Resource: catalogArns(o, account),
    },
    {
      Sid: 'ReadLakeData',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: [
        `arn:aws:s3:::${o.bucket}/${keyPrefix(o, o.dataPrefix)}/*`,
        `arn:aws:s3:::${o.bucket}/${keyPrefix(o, o.compactedPrefix)}/*`,
      ],
    },
    {
      Sid: 'WriteQueryResults',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      Resource: `arn:aws:s3:::${o.bucket}/${results}/*`,
    },
    {
      Sid: 'ListLakeAndResults',
      Effect: 'Allow',
      Action: ['s3:ListBucket', 's3:GetBucketLocation'],
      Resource: `arn:aws:s3:::${o.bucket}`,
    },
  );
}

/**
 * `accesslake compact` on an S3 lake (the CLI, or the compaction Lambda): read the raw tier and the
 * state, write the compacted tier and the state, replace the view through Athena. ListBucket covers the
 * state prefix too: without it S3 answers a missing state object with 403 instead of 404.
 */
export function compactionPolicy(o: ProvisionOptions, account = '*'): PolicyDocument {
  const data = keyPrefix(o, o.dataPrefix);
  const compacted = keyPrefix(o, o.compactedPrefix);
  const state = keyPrefix(o, 'compaction');
  const results = keyPrefix(o, o.resultsPrefix);
  const glue = `arn:aws:glue:${o.region}:${account}`;
  return doc(
    {
      Sid: 'ReadRawTierAndState',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: [`arn:aws:s3:::${o.bucket}/${data}/*`, `arn:aws:s3:::${o.bucket}/${state}/*`],
    },
    {
      Sid: 'WriteCompactedTierAndState',
      Effect: 'Allow',
      Action: ['s3:PutObject'],
      Resource: [`arn:aws:s3:::${o.bucket}/${compacted}/*`, `arn:aws:s3:::${o.bucket}/${state}/*`],
    },
    {
      Sid: 'ListRawTierAndState',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: `arn:aws:s3:::${o.bucket}`,
      Condition: { StringLike: { 's3:prefix': [`${data}/*`, `${data}/`, `${state}/*`, `${state}/`] } },
    },
    {
      Sid: 'ReplaceTheViewInTheWorkgroup',
      Effect: 'Allow',
      Action: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'],
      Resource: `arn:aws:athena:${o.region}:${account}:workgroup/${o.workgroup}`,
    },
    {
      Sid: 'StoreTheView',
      Effect: 'Allow',
      Action: ['glue:GetDatabase', 'glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable'],
      Resource: [
        `${glue}:catalog`,
        `${glue}:database/${o.database}`,
        `${glue}:table/${o.database}/${o.view}`,
        `${glue}:table/${o.database}/${o.table}`,
        `${glue}:table/${o.database}/${o.compactedTable}`,
      ],
    },
    {
      Sid: 'WriteQueryResults',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: `arn:aws:s3:::${o.bucket}/${results}/*`,
    },
    {
      Sid: 'LocateTheBucket',
      Effect: 'Allow',
      Action: ['s3:GetBucketLocation'],
      Resource: `arn:aws:s3:::${o.bucket}`,
    },
  );
}
