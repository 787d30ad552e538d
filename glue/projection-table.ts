/**
 * The `--table projection` alternative to the crawler: the table defined up front, with partition
 * projection on year/month/day/hour, so Athena computes partition locations from the query's predicate
 * instead of reading them from the catalog. No crawler, no lag, no crawler cost.
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html
 */
import type { TableInput } from '@aws-sdk/client-glue';
import { CANONICAL_COLUMNS } from '../lake-contract/index.ts';
import { dataLocation, type LakeNames } from '../provision/contract/index.ts';

/** What the raw table's definition needs: its database and name, and where its objects live. */
export type RawTableNames = Pick<LakeNames, 'database' | 'table' | 'bucket' | 'prefix' | 'dataPrefix'>;

export const PARTITION_KEYS = ['year', 'month', 'day', 'hour'] as const;

/**
 * The Hive JSON SerDe: Athena's JSON SerDe page recommends it over OpenX, whose results "can be
 * non-deterministic" (https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html). Both refuse
 * duplicate keys in a map (https://docs.aws.amazon.com/athena/latest/ug/hive-json-serde.html); the
 * `extra` key policy (lower-case `[a-z0-9_]`, collisions renamed, docs/record.md) keeps `extra` free of
 * them. docs/aws.md, "JSON SerDe", says why this one.
 */
export const SERDE = 'org.apache.hive.hcatalog.data.JsonSerDe';
export const INPUT_FORMAT = 'org.apache.hadoop.mapred.TextInputFormat'; // reads .gz by its extension
export const OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';

/** Table properties: the projection of each partition column and where its objects live. */
export function projectionParameters(o: RawTableNames): Record<string, string> {
  return projectionParametersAt(dataLocation(o));
}

/**
 * The same properties for a data location given as text (`s3://bucket/prefix/access_logs/`); the CDK stack
 * (deploy/catalog.ts) passes a location built from CloudFormation tokens.
 */
export function projectionParametersAt(location: string): Record<string, string> {
  return {
    EXTERNAL: 'TRUE',
    classification: 'json',
    compressionType: 'gzip',
    'projection.enabled': 'true',
    // Partition values are strings ('01'): integer projection with fixed digits makes exactly those.
    'projection.year.type': 'integer',
    'projection.year.range': '2000,2099',
    'projection.month.type': 'integer',
    'projection.month.range': '1,12',
    'projection.month.digits': '2',
    'projection.day.type': 'integer',
    'projection.day.range': '1,31',
    'projection.day.digits': '2',
    'projection.hour.type': 'integer',
    'projection.hour.range': '0,23',
    'projection.hour.digits': '2',
    // Ends with `/`, as Athena's projection docs write every template: the location is a folder, and a
    // bare key prefix would also take in any sibling whose name starts the same
    // (https://docs.aws.amazon.com/athena/latest/ug/partition-projection-setting-up.html).
    'storage.location.template': `${location}year=\${year}/month=\${month}/day=\${day}/hour=\${hour}/`,
  };
}

/** The Glue TableInput `provision --table projection` creates (CreateTable), the same as the DDL below. */
export function projectionTableInput(o: RawTableNames): TableInput {
  return rawTableInput(o, true);
}

/**
 * The raw JSON table `access_logs_raw`: with partition projection (`--table projection`), or without
 * (`--table crawler`: the crawler adds its partitions, crawling this table as its catalog target).
 */
export function rawTableInput(o: RawTableNames, projection: boolean): TableInput {
  const { EXTERNAL, classification, compressionType } = projectionParameters(o);
  return {
    Name: o.table,
    Description: projection
      ? 'accesslake: nginx access logs, one JSON object per line, partition projection by hour'
      : 'accesslake: nginx access logs, one JSON object per line; partitions added by the crawler',
    TableType: 'EXTERNAL_TABLE',
    Parameters: projection
      ? projectionParameters(o)
      : { EXTERNAL: EXTERNAL!, classification: classification!, compressionType: compressionType! },
    PartitionKeys: PARTITION_KEYS.map((Name) => ({ Name, Type: 'string' })),
    StorageDescriptor: {
      Columns: CANONICAL_COLUMNS.map(([Name, Type]) => ({ Name, Type })),
      Location: dataLocation(o),
      InputFormat: INPUT_FORMAT,
      OutputFormat: OUTPUT_FORMAT,
      SerdeInfo: { SerializationLibrary: SERDE, Parameters: { 'serialization.format': '1' } },
    },
  };
}

/** The same table as Athena DDL, for people who prefer to run it themselves (`provision --print-ddl`). */
export function projectionTableDdl(o: RawTableNames): string {
  const columns = CANONICAL_COLUMNS.map(([name, type]) => `  \`${name}\` ${type}`).join(',\n');
  const partitions = PARTITION_KEYS.map((k) => `\`${k}\` string`).join(', ');
  const properties = Object.entries(projectionParameters(o))
    .filter(([key]) => key !== 'EXTERNAL')
    .map(([key, value]) => `  '${key}' = '${value}'`)
    .join(',\n');
  return `CREATE EXTERNAL TABLE IF NOT EXISTS \`${o.database}\`.\`${o.table}\` (
${columns}
)
PARTITIONED BY (${partitions})
ROW FORMAT SERDE '${SERDE}'
STORED AS INPUTFORMAT '${INPUT_FORMAT}' OUTPUTFORMAT '${OUTPUT_FORMAT}'
LOCATION '${dataLocation(o)}'
TBLPROPERTIES (
${properties}
);
`;
}
