/**
 * Least-privilege IAM documents for the principals accesslake involves: the crawler's role, the ingest
 * (partition registration), whoever runs queries, Grafana's Athena data source, reports (the CLI or the
 * report Lambda, whose role in the CDK stack is this very document: deploy/report-function.ts) and
 * compaction (the CLI or the compaction Lambda: deploy/compact-function.ts). Resources are scoped to the
 * lake's bucket prefixes, the Glue database and its tables (`access_logs_raw`, `access_logs_compacted`,
 * the view `access_logs`: a reader of the view needs both tables under it), and the workgroups.
 * `account` is the AWS account id (Glue's CatalogId); `*` when unknown.
 */

import { GLUE_DEFAULTS } from '../lake-contract/index.ts';
import { keyPrefix, type LakeNames, REPORTS_RESULTS_FOLDER } from '../provision/contract/index.ts';
import { REPORTS_PREFIX } from '../reports/index.ts';

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

function catalogArns(o: LakeNames, account: string) {
  const base = `arn:aws:glue:${o.region}:${account}`;
  return [`${base}:catalog`, `${base}:database/${o.database}`, `${base}:table/${o.database}/*`];
}

/** Lets Glue assume the crawler's role. */
/** Running a query in a workgroup and reading its results: every role that queries. */
const RUN_QUERY_ACTIONS = [
  'athena:StartQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:StopQueryExecution',
  'athena:GetWorkGroup',
];

/** The catalog reads Athena makes with the caller's rights to plan a query on the tables. */
const CATALOG_READ_ACTIONS = [
  'glue:GetDatabase',
  'glue:GetTable',
  'glue:GetPartition',
  'glue:GetPartitions',
  'glue:BatchGetPartition',
];

/** Athena reads both tiers under the view (the JSON and the Parquet) with the caller's rights. */
function readLakeData(o: LakeNames): Statement {
  return {
    Sid: 'ReadLakeData',
    Effect: 'Allow',
    Action: ['s3:GetObject'],
    Resource: [
      `arn:aws:s3:::${o.bucket}/${keyPrefix(o, o.dataPrefix)}/*`,
      `arn:aws:s3:::${o.bucket}/${keyPrefix(o, o.compactedPrefix)}/*`,
    ],
  };
}

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
export function crawlerPolicy(o: LakeNames, account = '*'): PolicyDocument {
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
export function registrarPolicy(o: LakeNames, account = '*'): PolicyDocument {
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

/** `accesslake query --engine athena`: run queries in the workgroup only (Grafana and reports: below). */
export function queryPolicy(o: LakeNames, account = '*'): PolicyDocument {
  const results = keyPrefix(o, o.resultsPrefix);
  return doc(
    {
      Sid: 'RunQueriesInTheWorkgroup',
      Effect: 'Allow',
      Action: [...RUN_QUERY_ACTIONS, 'athena:ListNamedQueries', 'athena:GetNamedQuery'],
      Resource: `arn:aws:athena:${o.region}:${account}:workgroup/${o.workgroup}`,
    },
    {
      Sid: 'ReadTheCatalog',
      Effect: 'Allow',
      Action: CATALOG_READ_ACTIONS,
      Resource: catalogArns(o, account),
    },
    readLakeData(o),
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

/** Athena's account-level catalog reads: the `AwsDataCatalog` data catalog (the Glue catalog). */
const dataCatalogArn = (o: LakeNames, account: string) =>
  `arn:aws:athena:${o.region}:${account}:datacatalog/AwsDataCatalog`;

/**
 * Grafana's Athena data source: the query policy plus what its editor calls to fill its pickers
 * (https://grafana.com/docs/plugins/grafana-athena-datasource/latest/configure/, "IAM policies"):
 * `ListDataCatalogs` and `ListWorkGroups` (account-wide: neither takes a resource), `ListDatabases`,
 * `ListTableMetadata`, `GetTableMetadata` on the Glue data catalog, `BatchGetQueryExecution` for its
 * polling, and Glue's plural reads behind them.
 */
export function grafanaPolicy(o: LakeNames, account = '*'): PolicyDocument {
  const query = queryPolicy(o, account);
  const [runQueries, readCatalog, ...rest] = query.Statement as [Statement, Statement, ...Statement[]];
  return doc(
    { ...runQueries, Action: [...runQueries.Action, 'athena:BatchGetQueryExecution'] },
    { ...readCatalog, Action: [...readCatalog.Action, 'glue:GetDatabases', 'glue:GetTables'] },
    ...rest,
    {
      Sid: 'BrowseTheDataCatalog',
      Effect: 'Allow',
      Action: ['athena:ListDatabases', 'athena:ListTableMetadata', 'athena:GetTableMetadata'],
      Resource: dataCatalogArn(o, account),
    },
    {
      Sid: 'ListCatalogsAndWorkgroups',
      Effect: 'Allow',
      // IAM service authorization reference: these two list actions support no resource type.
      Action: ['athena:ListDataCatalogs', 'athena:ListWorkGroups'],
      Resource: '*',
    },
  );
}

/**
 * `accesslake report --engine athena` and the report Lambda: queries in the reports workgroup only; the
 * CTAS creates and the cleanup drops `accesslake_report_*` tables (Glue CreateTable/DeleteTable, on
 * the catalog, the database and the table: "Specifying AWS Glue resource ARNs"); Athena writes the
 * table into the workgroup's results folder with the caller's permissions, where the report reads and
 * deletes it; the report itself goes under `<prefix>/reports/`.
 */
export function reportPolicy(o: LakeNames, account = '*'): PolicyDocument {
  const base = `arn:aws:glue:${o.region}:${account}`;
  const results = `${keyPrefix(o, o.resultsPrefix)}/${REPORTS_RESULTS_FOLDER}`;
  return doc(
    {
      Sid: 'RunQueriesInTheReportsWorkgroup',
      Effect: 'Allow',
      Action: RUN_QUERY_ACTIONS,
      Resource: `arn:aws:athena:${o.region}:${account}:workgroup/${o.reportsWorkgroup}`,
    },
    {
      Sid: 'ReadTheCatalog',
      Effect: 'Allow',
      Action: CATALOG_READ_ACTIONS,
      // The report queries the view; Athena resolves it with the caller's rights on both tables under it.
      Resource: [
        `${base}:catalog`,
        `${base}:database/${o.database}`,
        `${base}:table/${o.database}/${o.view}`,
        `${base}:table/${o.database}/${o.table}`,
        `${base}:table/${o.database}/${o.compactedTable}`,
      ],
    },
    {
      Sid: 'CreateAndDropTheReportTable',
      Effect: 'Allow',
      Action: ['glue:GetTable', 'glue:CreateTable', 'glue:DeleteTable'],
      Resource: [
        `${base}:catalog`,
        `${base}:database/${o.database}`,
        `${base}:table/${o.database}/accesslake_report_*`,
      ],
    },
    readLakeData(o),
    {
      Sid: 'WriteReadDeleteReportTables',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      Resource: `arn:aws:s3:::${o.bucket}/${results}/*`,
    },
    {
      Sid: 'PublishReports',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      Resource: `arn:aws:s3:::${o.bucket}/${keyPrefix(o, REPORTS_PREFIX)}/*`,
    },
    {
      Sid: 'ListLakeResultsAndReports',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: `arn:aws:s3:::${o.bucket}`,
      Condition: {
        StringLike: {
          's3:prefix': [
            `${keyPrefix(o, o.dataPrefix)}/*`,
            `${keyPrefix(o, o.compactedPrefix)}/*`,
            `${results}/*`,
            `${keyPrefix(o, REPORTS_PREFIX)}/*`,
          ],
        },
      },
    },
    {
      Sid: 'FindTheBucket',
      Effect: 'Allow',
      Action: ['s3:GetBucketLocation'],
      Resource: `arn:aws:s3:::${o.bucket}`,
    },
  );
}

/**
 * `accesslake compact` on an S3 lake (the CLI, or the compaction Lambda): read the raw tier and the
 * state, write the compacted tier and the state, replace the view through Athena. ListBucket covers the
 * state prefix too: without it S3 answers a missing state object with 403 instead of 404. The lease
 * (compact/lease.ts) is created with a conditional PutObject (s3:PutObject covers it) and its superseded
 * generations deleted, which is the only delete: under `compaction/lease/`.
 */
export function compactionPolicy(o: LakeNames, account = '*'): PolicyDocument {
  const data = keyPrefix(o, o.dataPrefix);
  const compacted = keyPrefix(o, o.compactedPrefix);
  const state = keyPrefix(o, GLUE_DEFAULTS.statePrefix);
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
      Sid: 'DeleteSupersededLeases',
      Effect: 'Allow',
      Action: ['s3:DeleteObject'],
      Resource: `arn:aws:s3:::${o.bucket}/${state}/lease/*`,
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
