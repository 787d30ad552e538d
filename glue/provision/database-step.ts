import { CreateDatabaseCommand, GetDatabaseCommand, type GlueClient } from '@aws-sdk/client-glue';
import { awsErrorCode, toAwsError } from '../../aws/index.ts';
import type { ProvisionOptions, ProvisionStep } from '../../provision/contract/index.ts';

/** The Glue database; `onCatalogId` learns the account id (Glue's CatalogId) for the printed IAM policy. */
export function databaseStep(
  o: ProvisionOptions,
  glue: GlueClient,
  onCatalogId: (id: string) => void,
): ProvisionStep {
  const resource = `database/${o.database}`;
  return {
    kind: 'Glue database',
    name: o.database,
    async inspect() {
      try {
        const { Database } = await glue.send(new GetDatabaseCommand({ Name: o.database }));
        if (Database?.CatalogId) onCatalogId(Database.CatalogId);
        return { state: 'present', changes: [] };
      } catch (error) {
        if (awsErrorCode(error) === 'EntityNotFoundException') return { state: 'missing' };
        throw toAwsError(error, 'glue:GetDatabase', resource);
      }
    },
    async create() {
      try {
        await glue.send(
          new CreateDatabaseCommand({
            DatabaseInput: { Name: o.database, Description: 'accesslake: nginx access logs' },
          }),
        );
      } catch (error) {
        // Someone else made it between our look and our create: the result is what we wanted.
        if (awsErrorCode(error) !== 'AlreadyExistsException')
          throw toAwsError(error, 'glue:CreateDatabase', resource);
      }
      // CreateDatabase answers nothing; read it back for the account id the printed policy names.
      const { Database } = await glue
        .send(new GetDatabaseCommand({ Name: o.database }))
        .catch(() => ({ Database: undefined }));
      if (Database?.CatalogId) onCatalogId(Database.CatalogId);
    },
  };
}
