/**
 * provision's AWS call paths against msw: a small in-memory Glue/Athena/S3 that behaves like the
 * services for the calls provision makes, plus failures only a mock can produce (throttling, access
 * denied, races, updates moto lacks: UpdateCrawler, UpdateWorkGroup, UpdateNamedQuery).
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { CreateTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsError } from '../../aws/index.ts';
import { provision, resolveProvisionOptions } from '../../provision/index.ts';
import { AwsFault, awsOperation, TEST_CREDENTIALS, unknownOperation } from '../support/aws-json-mock.ts';

const S3 = 'http://s3.mock.test';
const GLUE = 'http://glue.mock.test';
const ATHENA = 'http://athena.mock.test';
const ROLE = 'arn:aws:iam::123456789012:role/accesslake-crawler';

let state: {
  databases: Map<string, object>;
  tables: Map<string, Record<string, unknown>>;
  crawlers: Map<string, Record<string, unknown>>;
  workgroups: Map<string, Record<string, unknown>>;
  namedQueries: Map<string, Record<string, unknown>>;
};
const calls: string[] = [];
/**
 * Rules the AWS docs state that Glue does not enforce at CreateTable (so moto cannot either): the mock
 * flags each breach here, and tests assert none. Athena's projection docs write every
 * `storage.location.template` as a folder, ending in `/`
 * (https://docs.aws.amazon.com/athena/latest/ug/partition-projection-setting-up.html).
 */
const flagged: string[] = [];
function flagTableInput(input: { Name?: string; Parameters?: Record<string, string> }) {
  const template = input.Parameters?.['storage.location.template'];
  if (template !== undefined && !template.endsWith('/')) {
    flagged.push(`table ${input.Name}: storage.location.template ${template} does not end with "/"`);
  }
}
const inputs = new Map<string, Record<string, unknown>>();
const glue = (name: string, resolve: (input: Record<string, unknown>) => unknown) =>
  awsOperation(GLUE, `AWSGlue.${name}`, (input) => {
    calls.push(`glue:${name}`);
    inputs.set(`glue:${name}`, input);
    return resolve(input);
  });
const athena = (name: string, resolve: (input: Record<string, unknown>) => unknown) =>
  awsOperation(ATHENA, `AmazonAthena.${name}`, (input) => {
    calls.push(`athena:${name}`);
    inputs.set(`athena:${name}`, input);
    return resolve(input);
  });

const server = setupServer(
  http.head(`${S3}/lake-bucket`, () => new HttpResponse(null, { status: 200 })),
  glue('GetDatabase', (i) => {
    const db = state.databases.get(i.Name as string);
    if (!db) throw new AwsFault('EntityNotFoundException', `Database ${i.Name} not found.`);
    return { Database: db };
  }),
  glue('CreateDatabase', (i) => {
    const input = i.DatabaseInput as { Name: string };
    if (state.databases.has(input.Name))
      throw new AwsFault('AlreadyExistsException', 'Database already exists.');
    state.databases.set(input.Name, { ...input, CatalogId: '123456789012' });
    return {};
  }),
  glue('GetTable', (i) => {
    const t = state.tables.get(`${i.DatabaseName}.${i.Name}`);
    if (!t) throw new AwsFault('EntityNotFoundException', `Table ${i.Name} not found.`);
    return { Table: t };
  }),
  glue('CreateTable', (i) => {
    const input = i.TableInput as { Name: string; Parameters?: Record<string, string> };
    const key = `${i.DatabaseName}.${input.Name}`;
    if (state.tables.has(key)) throw new AwsFault('AlreadyExistsException', 'Table already exists.');
    flagTableInput(input);
    state.tables.set(key, { ...input, DatabaseName: i.DatabaseName });
    return {};
  }),
  glue('GetCrawler', (i) => {
    const c = state.crawlers.get(i.Name as string);
    if (!c) throw new AwsFault('EntityNotFoundException', `Crawler with name ${i.Name} does not exist`);
    return {
      Crawler: { ...c, Schedule: { ScheduleExpression: c.Schedule, State: 'SCHEDULED' }, State: 'READY' },
    };
  }),
  glue('CreateCrawler', (i) => {
    if (state.crawlers.has(i.Name as string))
      throw new AwsFault('AlreadyExistsException', 'Crawler already exists');
    state.crawlers.set(i.Name as string, i);
    return {};
  }),
  glue('UpdateCrawler', (i) => {
    state.crawlers.set(i.Name as string, { ...state.crawlers.get(i.Name as string), ...i });
    return {};
  }),
  athena('GetWorkGroup', (i) => {
    const w = state.workgroups.get(i.WorkGroup as string);
    if (!w) throw new AwsFault('InvalidRequestException', `WorkGroup ${i.WorkGroup} is not found.`);
    return { WorkGroup: { Name: i.WorkGroup, State: 'ENABLED', Configuration: w.Configuration } };
  }),
  athena('CreateWorkGroup', (i) => {
    if (state.workgroups.has(i.Name as string))
      throw new AwsFault('InvalidRequestException', 'WorkGroup is already created');
    state.workgroups.set(i.Name as string, i);
    return {};
  }),
  athena('UpdateWorkGroup', () => ({})),
  athena('ListNamedQueries', (i) => {
    if (!state.workgroups.has(i.WorkGroup as string))
      throw new AwsFault('InvalidRequestException', 'WorkGroup is not found.');
    return { NamedQueryIds: [...state.namedQueries.keys()] };
  }),
  athena('GetNamedQuery', (i) => ({ NamedQuery: state.namedQueries.get(i.NamedQueryId as string) })),
  athena('CreateNamedQuery', (i) => {
    const id = `nq-${state.namedQueries.size + 1}`;
    state.namedQueries.set(id, { ...i, NamedQueryId: id });
    return { NamedQueryId: id };
  }),
  athena('UpdateNamedQuery', () => ({})),
  // The view: Athena runs CREATE OR REPLACE VIEW and stores it in Glue as a VIRTUAL_VIEW table.
  athena('StartQueryExecution', (i) => {
    const sql = String(i.QueryString);
    const m = /^CREATE OR REPLACE VIEW "([^"]+)"\."([^"]+)"/.exec(sql);
    if (!m) throw new AwsFault('InvalidRequestException', `unexpected query: ${sql.slice(0, 60)}`);
    state.tables.set(`${m[1]}.${m[2]}`, { Name: m[2], DatabaseName: m[1], TableType: 'VIRTUAL_VIEW' });
    return { QueryExecutionId: 'q-view' };
  }),
  athena('GetQueryExecution', () => ({
    QueryExecution: { QueryExecutionId: 'q-view', Status: { State: 'SUCCEEDED' }, Statistics: {} },
  })),
  athena('GetQueryResults', () => ({ ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } })),
  unknownOperation(GLUE),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  state = {
    databases: new Map(),
    tables: new Map(),
    crawlers: new Map(),
    workgroups: new Map(),
    namedQueries: new Map(),
  };
  calls.length = 0;
  flagged.length = 0;
  inputs.clear();
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const clients = () => {
  const common = { region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  return {
    s3: new S3Client({ ...common, endpoint: S3, forcePathStyle: true }),
    glue: new GlueClient({ ...common, endpoint: GLUE }),
    athena: new AthenaClient({ ...common, endpoint: ATHENA }),
  };
};
const options = (flags: Record<string, string | boolean> = {}) =>
  resolveProvisionOptions({ storage: 's3://lake-bucket/lake', 'crawler-role': ROLE, ...flags }, {});
const outcomes = (r: Awaited<ReturnType<typeof provision>>) =>
  r.reports.map((x) => `${x.kind} ${x.name}: ${x.outcome}`);

describe('provision against the AWS APIs (msw)', () => {
  it('creates every resource, then finds nothing to do', async () => {
    const first = await provision(options(), clients());
    expect(outcomes(first).slice(0, 8)).toEqual([
      'S3 bucket lake-bucket: unchanged',
      'Glue database accesslake: created',
      'Glue table (crawled) accesslake.access_logs_raw: created',
      'Glue crawler accesslake-access-logs: created',
      'Glue table (Parquet) accesslake.access_logs_compacted: created',
      'Athena workgroup accesslake: created',
      'Athena workgroup accesslake-reports: created',
      'Athena view accesslake.access_logs: created',
    ]);
    // The view's SQL as Athena receives it, with no watermark yet: every hour from JSON.
    expect(inputs.get('athena:StartQueryExecution')).toMatchObject({
      WorkGroup: 'accesslake',
      QueryString: expect.stringContaining(
        `FROM "accesslake"."access_logs_raw" WHERE concat("year", "month", "day", "hour") >= '0000000000'`,
      ),
    });
    expect(
      first.reports.filter((r) => r.kind === 'Athena named query' && r.outcome === 'created'),
    ).toHaveLength(8);
    expect(inputs.get('glue:CreateCrawler')).toMatchObject({
      Role: ROLE,
      Targets: { CatalogTargets: [{ DatabaseName: 'accesslake', Tables: ['access_logs_raw'] }] },
      RecrawlPolicy: { RecrawlBehavior: 'CRAWL_EVERYTHING' },
      SchemaChangePolicy: { UpdateBehavior: 'LOG', DeleteBehavior: 'LOG' },
      Schedule: 'cron(5 * * * ? *)',
    });
    expect(JSON.parse(inputs.get('glue:CreateCrawler')!.Configuration as string)).toEqual({
      Version: 1,
      CrawlerOutput: { Partitions: { AddOrUpdateBehavior: 'InheritFromTable' } },
    });
    expect(first.accountId).toBe('123456789012'); // read back after CreateDatabase

    calls.length = 0;
    const second = await provision(options(), clients());
    expect(second.nothingToDo).toBe(true);
    expect(second.incomplete).toBe(false);
    expect(second.reports.every((r) => r.outcome === 'unchanged')).toBe(true);
    expect(second.accountId).toBe('123456789012');
    expect(calls.filter((c) => /Create|Update/.test(c))).toEqual([]);
  });

  it('creates a projection table the docs’ rules accept: template ending in "/", Hive JSON SerDe', async () => {
    const result = await provision(options({ table: 'projection' }), clients());
    expect(outcomes(result)[2]).toBe('Glue table (projection) accesslake.access_logs_raw: created');
    expect(flagged).toEqual([]);
    const table = state.tables.get('accesslake.access_logs_raw') as {
      StorageDescriptor: { SerdeInfo: { SerializationLibrary: string } };
    };
    expect(table.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(
      'org.apache.hive.hcatalog.data.JsonSerDe',
    );
    // The mock does flag a template without the slash, so the empty list above means something.
    await clients().glue.send(
      new CreateTableCommand({
        DatabaseName: 'accesslake',
        TableInput: {
          Name: 'other',
          Parameters: { 'storage.location.template': 's3://b/p/data' },
        },
      }),
    );
    expect(flagged).toEqual(['table other: storage.location.template s3://b/p/data does not end with "/"']);
  });

  it('treats a database created by someone else between look and create as done', async () => {
    server.use(
      glue('GetDatabase', () => {
        throw new AwsFault('EntityNotFoundException', 'not found');
      }),
      glue('CreateDatabase', () => {
        throw new AwsFault('AlreadyExistsException', 'Database already exists.');
      }),
    );
    const result = await provision(options(), clients());
    expect(outcomes(result)[1]).toBe('Glue database accesslake: created');
  });

  it('shows a crawler that differs and changes it only with applyChanges (UpdateCrawler)', async () => {
    await provision(options(), clients());
    const drifted = await provision(options({ 'crawler-schedule': '15m' }), clients());
    const crawler = drifted.reports.find((r) => r.kind === 'Glue crawler')!;
    expect(crawler).toMatchObject({
      outcome: 'differs',
      changes: [{ field: 'Schedule', actual: 'cron(5 * * * ? *)', desired: 'cron(0/15 * * * ? *)' }],
    });
    expect(crawler.note).toMatch(/--apply-changes/);
    expect(drifted.incomplete).toBe(true);
    expect(calls).not.toContain('glue:UpdateCrawler');

    const dry = await provision(options({ 'crawler-schedule': '15m' }), clients(), {
      dryRun: true,
      applyChanges: true,
    });
    expect(dry.reports.find((r) => r.kind === 'Glue crawler')!.outcome).toBe('would update');
    expect(calls).not.toContain('glue:UpdateCrawler');

    const applied = await provision(options({ 'crawler-schedule': '15m' }), clients(), {
      applyChanges: true,
    });
    expect(applied.reports.find((r) => r.kind === 'Glue crawler')!.outcome).toBe('updated');
    expect(inputs.get('glue:UpdateCrawler')).toMatchObject({
      Name: 'accesslake-access-logs',
      Schedule: 'cron(0/15 * * * ? *)',
    });
  });

  it('explains that a running crawler cannot be updated', async () => {
    await provision(options(), clients());
    server.use(
      glue('UpdateCrawler', () => {
        throw new AwsFault('CrawlerRunningException', 'Crawler is running');
      }),
    );
    const error = await provision(options({ 'crawler-schedule': '30m' }), clients(), {
      applyChanges: true,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      'glue:UpdateCrawler on crawler/accesslake-access-logs (it is running now; run provision again when it has finished)',
    );
  });

  it('updates the workgroup cost guard and a changed named query with applyChanges', async () => {
    await provision(options(), clients());
    const [id, query] = [...state.namedQueries.entries()][0]!;
    state.namedQueries.set(id, { ...query, QueryString: 'SELECT 1' });
    const result = await provision(options({ 'bytes-scanned-cutoff': '1GiB' }), clients(), {
      applyChanges: true,
    });
    expect(result.reports.find((r) => r.kind === 'Athena workgroup')).toMatchObject({
      outcome: 'updated',
      changes: [{ field: 'BytesScannedCutoffPerQuery', actual: 10 * 1024 ** 3, desired: 1024 ** 3 }],
    });
    expect(inputs.get('athena:UpdateWorkGroup')).toMatchObject({
      WorkGroup: 'accesslake',
      ConfigurationUpdates: { BytesScannedCutoffPerQuery: 1024 ** 3, EnforceWorkGroupConfiguration: true },
    });
    expect(result.reports.find((r) => r.name === query.Name)!.outcome).toBe('updated');
    expect(inputs.get('athena:UpdateNamedQuery')).toMatchObject({ NamedQueryId: id, Name: query.Name });
  });

  it('skips the crawler without a role and says what to do', async () => {
    const result = await provision(
      resolveProvisionOptions({ storage: 's3://lake-bucket/lake' }, {}),
      clients(),
    );
    const crawler = result.reports.find((r) => r.kind === 'Glue crawler')!;
    expect(crawler.outcome).toBe('blocked');
    expect(crawler.note).toMatch(/needs an IAM role.*--crawler-role/);
    expect(result.incomplete).toBe(true);
    expect(calls).not.toContain('glue:CreateCrawler');
  });

  it('stops on a missing bucket unless asked to create it', async () => {
    server.use(http.head(`${S3}/lake-bucket`, () => new HttpResponse(null, { status: 404 })));
    await expect(provision(options(), clients())).rejects.toThrow(
      /bucket lake-bucket does not exist .*--create-bucket/,
    );
    const dry = await provision(options(), clients(), { dryRun: true });
    expect(dry.reports[0]!.outcome).toBe('blocked');
    expect(calls.filter((c) => /Create/.test(c))).toEqual([]);
  });

  it('names the action and resource when access is denied, and says when AWS throttles', async () => {
    server.use(http.head(`${S3}/lake-bucket`, () => new HttpResponse(null, { status: 403 })));
    await expect(provision(options(), clients())).rejects.toThrow(
      'AWS denied s3:ListBucket on arn:aws:s3:::lake-bucket',
    );
    server.resetHandlers();
    server.use(
      glue('CreateCrawler', () => {
        throw new AwsFault('AccessDeniedException', 'User is not authorized to perform: iam:PassRole');
      }),
    );
    const denied = await provision(options(), clients()).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(AwsError);
    expect((denied as Error).message).toContain(
      'AWS denied glue:CreateCrawler on crawler/accesslake-access-logs',
    );
    expect(((denied as Error).cause as Error).message).toContain('iam:PassRole');
    server.use(
      glue('GetDatabase', () => {
        throw new AwsFault('ThrottlingException', 'Rate exceeded');
      }),
    );
    await expect(provision(options(), clients())).rejects.toMatchObject({
      throttled: true,
      action: 'glue:GetDatabase',
    });
  });
});
