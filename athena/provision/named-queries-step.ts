import {
  type AthenaClient,
  CreateNamedQueryCommand,
  GetNamedQueryCommand,
  ListNamedQueriesCommand,
  type NamedQuery,
  UpdateNamedQueryCommand,
} from '@aws-sdk/client-athena';
import { awsErrorCode, toAwsError } from '../../aws/index.ts';
import type { ProvisionOptions } from '../../provision/contract/index.ts';
import { diff, type ProvisionStep } from '../../provision/contract/index.ts';
import { loadNamedQuery, NAMED_QUERIES, renderRelativeTemplate } from '../../query/index.ts';

/** Saved queries cover the last day: they run as they are from the Athena console. */
export const SAVED_QUERY_HOURS = 24;

/** The SQL saved in the workgroup for a named query. */
export async function savedQuerySql(name: string): Promise<string> {
  const template = await loadNamedQuery(name);
  return `-- accesslake named query "${name}" over the last ${SAVED_QUERY_HOURS} hours.\n-- Any range: accesslake query --engine athena --named ${name} --from … --to …\n${renderRelativeTemplate(template, SAVED_QUERY_HOURS)}`;
}

/**
 * One step per named query, idempotent by name within the workgroup. The workgroup's queries are
 * listed once (ListNamedQueries + GetNamedQuery; names are not unique keys to Athena, so we keep the
 * first of a name) and shared by the steps.
 */
export function namedQuerySteps(o: ProvisionOptions, athena: AthenaClient): ProvisionStep[] {
  const resource = `workgroup/${o.workgroup}`;
  let existing: Promise<Map<string, NamedQuery>> | undefined;
  const listExisting = () => {
    existing ??= (async () => {
      const byName = new Map<string, NamedQuery>();
      let token: string | undefined;
      try {
        do {
          const page = await athena.send(
            new ListNamedQueriesCommand({ WorkGroup: o.workgroup, ...(token ? { NextToken: token } : {}) }),
          );
          for (const id of page.NamedQueryIds ?? []) {
            const { NamedQuery: q } = await athena.send(new GetNamedQueryCommand({ NamedQueryId: id }));
            if (q?.Name && !byName.has(q.Name)) byName.set(q.Name, q);
          }
          token = page.NextToken;
        } while (token);
      } catch (error) {
        // A workgroup that does not exist yet (a dry run) has no saved queries.
        if (
          awsErrorCode(error) === 'InvalidRequestException' &&
          /not found|does not exist/i.test((error as Error).message)
        ) {
          return byName;
        }
        throw toAwsError(error, 'athena:ListNamedQueries', resource);
      }
      return byName;
    })();
    return existing;
  };

  return NAMED_QUERIES.map((name) => ({
    kind: 'Athena named query',
    name,
    async inspect() {
      const current = (await listExisting()).get(name);
      if (!current) return { state: 'missing' as const };
      return {
        state: 'present' as const,
        changes: diff(
          { Database: o.database, QueryString: await savedQuerySql(name) },
          { Database: current.Database, QueryString: current.QueryString },
        ),
      };
    },
    async create() {
      try {
        await athena.send(
          new CreateNamedQueryCommand({
            Name: name,
            Description: `accesslake: ${name}, last ${SAVED_QUERY_HOURS} hours`,
            Database: o.database,
            QueryString: await savedQuerySql(name),
            WorkGroup: o.workgroup,
          }),
        );
      } catch (error) {
        throw toAwsError(error, 'athena:CreateNamedQuery', resource);
      }
    },
    async update() {
      const current = (await listExisting()).get(name);
      try {
        await athena.send(
          new UpdateNamedQueryCommand({
            NamedQueryId: current?.NamedQueryId,
            Name: name,
            Description: `accesslake: ${name}, last ${SAVED_QUERY_HOURS} hours`,
            QueryString: await savedQuerySql(name),
          }),
        );
      } catch (error) {
        throw toAwsError(error, 'athena:UpdateNamedQuery', resource);
      }
    },
  }));
}
