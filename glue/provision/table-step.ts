import {
  CreateTableCommand,
  GetTableCommand,
  type GlueClient,
  type Table,
  type TableInput,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { awsErrorCode, toAwsError } from '../aws-errors.ts';
import { projectionTableInput } from '../projection-table.ts';
import type { ProvisionOptions } from './options.ts';
import { diff, type ProvisionStep } from './step.ts';

/** The partition-projection table (`--table projection`). */
export function projectionTableStep(o: ProvisionOptions, glue: GlueClient): ProvisionStep {
  const resource = `table/${o.database}/${o.table}`;
  const desired = projectionTableInput(o);
  return {
    kind: 'Glue table (projection)',
    name: `${o.database}.${o.table}`,
    async inspect() {
      let table: Table | undefined;
      try {
        table = (await glue.send(new GetTableCommand({ DatabaseName: o.database, Name: o.table }))).Table;
      } catch (error) {
        if (awsErrorCode(error) === 'EntityNotFoundException') return { state: 'missing' };
        throw toAwsError(error, 'glue:GetTable', resource);
      }
      return { state: 'present', changes: compareTable(desired, table ?? { Name: o.table }) };
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

function compareTable(desired: ReturnType<typeof projectionTableInput>, actual: Table) {
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
