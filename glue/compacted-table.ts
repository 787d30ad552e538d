/**
 * The `access_logs_compacted` table: the Parquet objects `accesslake compact` writes, one per hour, with
 * partition projection on year/month/day/hour like the JSON table, so no crawler or partition
 * registration is ever needed for it. Columns: the canonical ones plus `event_time` (a UTC timestamp).
 * https://docs.aws.amazon.com/athena/latest/ug/parquet-serde.html
 */
import type { TableInput } from '@aws-sdk/client-glue';
import { EVENT_TIME_COLUMN } from '../compact/index.ts';
import { CANONICAL_COLUMNS } from '../lake-contract/index.ts';
import { PARTITION_KEYS, projectionParametersAt } from './projection-table.ts';

export const PARQUET_SERDE = 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe';
export const PARQUET_INPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat';
export const PARQUET_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat';

/** The Glue TableInput for the Parquet tier at `location` (`s3://bucket/prefix/access_logs_compacted/`). */
export function compactedTableInput(name: string, location: string): TableInput {
  const { classification: _json, compressionType: _gzip, ...projection } = projectionParametersAt(location);
  return {
    Name: name,
    Description: 'accesslake: compacted hours, one Parquet object per UTC hour (accesslake compact)',
    TableType: 'EXTERNAL_TABLE',
    Parameters: { ...projection, classification: 'parquet' },
    PartitionKeys: PARTITION_KEYS.map((Name) => ({ Name, Type: 'string' })),
    StorageDescriptor: {
      Columns: [
        ...CANONICAL_COLUMNS.map(([Name, Type]) => ({ Name, Type })),
        { Name: EVENT_TIME_COLUMN, Type: 'timestamp' },
      ],
      Location: location,
      InputFormat: PARQUET_INPUT_FORMAT,
      OutputFormat: PARQUET_OUTPUT_FORMAT,
      SerdeInfo: { SerializationLibrary: PARQUET_SERDE, Parameters: { 'serialization.format': '1' } },
    },
  };
}
