/**
 * The view `access_logs` over the raw and compacted tables (docs/architecture.md, "Compaction"), made
 * with `CREATE OR REPLACE VIEW` run in the workgroup, so Athena stores it in the Glue catalog in its own
 * encoding (https://docs.aws.amazon.com/athena/latest/ug/views.html). Provision makes it with no
 * watermark (every hour from JSON); compaction then moves the watermark, so an existing view is left as
 * it is. A table of that name from before the split (the crawled `access_logs`) differs: with
 * `--apply-changes` it is dropped from the catalog (its data is untouched) and the view made.
 */

import type { AthenaClient } from '@aws-sdk/client-athena';
import { DeleteTableCommand, GetTableCommand, type GlueClient, type Table } from '@aws-sdk/client-glue';
import { awsErrorCode, toAwsError } from '../../aws/index.ts';
import { createViewSql } from '../../compact/index.ts';
import type { ProvisionOptions, ProvisionStep } from '../../provision/contract/index.ts';
import { createAthenaEngine } from '../../query/index.ts';

export function viewStep(
  o: ProvisionOptions,
  clients: { glue: GlueClient; athena: AthenaClient },
): ProvisionStep {
  const resource = `table/${o.database}/${o.view}`;
  const names = { database: o.database, view: o.view, raw: o.table, compacted: o.compactedTable };
  const create = async () => {
    const engine = createAthenaEngine({
      client: clients.athena,
      workgroup: o.workgroup,
      database: o.database,
    });
    try {
      await engine.query(createViewSql(names, null));
    } catch (error) {
      throw toAwsError(error, 'athena:StartQueryExecution (CREATE OR REPLACE VIEW)', resource);
    }
  };
  return {
    kind: 'Athena view',
    name: `${o.database}.${o.view}`,
    async inspect() {
      let table: Table | undefined;
      try {
        table = (await clients.glue.send(new GetTableCommand({ DatabaseName: o.database, Name: o.view })))
          .Table;
      } catch (error) {
        if (awsErrorCode(error) === 'EntityNotFoundException') return { state: 'missing' };
        throw toAwsError(error, 'glue:GetTable', resource);
      }
      if (table?.TableType === 'VIRTUAL_VIEW') return { state: 'present', changes: [] };
      return {
        state: 'present',
        changes: [
          {
            field: 'TableType',
            desired: 'VIRTUAL_VIEW (the view over both tiers)',
            actual: table?.TableType,
          },
        ],
      };
    },
    create,
    async update() {
      try {
        await clients.glue.send(new DeleteTableCommand({ DatabaseName: o.database, Name: o.view }));
      } catch (error) {
        throw toAwsError(error, 'glue:DeleteTable', resource);
      }
      await create();
    },
  };
}
