import {
  CreateTableCommand,
  GetTableCommand,
  type GlueClient,
  type Table,
  type TableInput,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { awsErrorCode, toAwsError } from '../../aws/index.ts';
import {
  compactedLocation,
  diff,
  type ProvisionOptions,
  type ProvisionStep,
} from '../../provision/contract/index.ts';
import { compactedTableInput } from '../compacted-table.ts';
import { rawTableInput } from '../projection-table.ts';

/** The raw JSON table: with partition projection (`--table projection`) or for the crawler to fill. */
export function rawTableStep(o: ProvisionOptions, glue: GlueClient): ProvisionStep {
  const projection = o.tableMode === 'projection';
  return glueTableStep(
    o,
    glue,
    projection ? 'Glue table (projection)' : 'Glue table (crawled)',
    rawTableInput(o, projection),
  );
}

/** The Parquet table `accesslake compact` writes, always with partition projection. */
export function compactedTableStep(o: ProvisionOptions, glue: GlueClient): ProvisionStep {
  return glueTableStep(
    o,
    glue,
    'Glue table (Parquet)',
    compactedTableInput(o.compactedTable, compactedLocation(o)),
  );
}

function glueTableStep(
  o: ProvisionOptions,
  glue: GlueClient,
  kind: string,
  desired: TableInput,
): ProvisionStep {
  const name = desired.Name!;
  const resource = `table/${o.database}/${name}`;
  return {
    kind,
    name: `${o.database}.${name}`,
    async inspect() {
      let table: Table | undefined;
      try {
        table = (await glue.send(new GetTableCommand({ DatabaseName: o.database, Name: name }))).Table;
      } catch (error) {
        if (awsErrorCode(error) === 'EntityNotFoundException') return { state: 'missing' };
        throw toAwsError(error, 'glue:GetTable', resource);
      }
      return { state: 'present', changes: compareTable(desired, table ?? { Name: name }) };
    },
    async create() {
      try {
        await glue.send(new CreateTableCommand({ DatabaseName: o.database, TableInput: desired }));
      } catch (error) {
        if (awsErrorCode(error) === 'AlreadyExistsException') return;
        throw toAwsError(error, 'glue:CreateTable', resource);
      }
    },
    async update() {
      try {
        await glue.send(new UpdateTableCommand({ DatabaseName: o.database, TableInput: desired }));
      } catch (error) {
        throw toAwsError(error, 'glue:UpdateTable', resource);
      }
    },
  };
}

function compareTable(desired: TableInput, actual: Table) {
  const columns = (t: TableInput | Table) =>
    (t.StorageDescriptor?.Columns ?? []).map((c) => `${c.Name} ${c.Type}`);
  const keys = (t: TableInput | Table) => (t.PartitionKeys ?? []).map((c) => `${c.Name} ${c.Type}`);
  return diff(
    {
      Columns: columns(desired),
      PartitionKeys: keys(desired),
      Location: desired.StorageDescriptor?.Location,
      SerDe: desired.StorageDescriptor?.SerdeInfo?.SerializationLibrary,
      Parameters: desired.Parameters,
    },
    {
      Columns: columns(actual),
      PartitionKeys: keys(actual),
      Location: actual.StorageDescriptor?.Location,
      SerDe: actual.StorageDescriptor?.SerdeInfo?.SerializationLibrary,
      Parameters: actual.Parameters,
    },
  );
}
