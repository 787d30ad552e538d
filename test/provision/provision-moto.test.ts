/**
 * provision, the crawler and the partition registrar against a real moto_server (Glue, Athena, S3).
 * moto lacks UpdateCrawler and UpdateWorkGroup, so applying changes is covered by provision-msw.test.ts.
 */
import {
  AthenaClient,
  GetNamedQueryCommand,
  GetWorkGroupCommand,
  ListNamedQueriesCommand,
  ListWorkGroupsCommand,
} from '@aws-sdk/client-athena';
import {
  CreateTableCommand,
  GetCrawlerCommand,
  GetDatabaseCommand,
  GetPartitionCommand,
  GetPartitionsCommand,
  GetTableCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.ts';
import {
  MOTO_CREDENTIALS,
  MOTO_REGION,
  type MotoServer,
  motoClientConfig,
  startMotoServer,
} from '../../harness/index.ts';
import { createGlueRegistrar } from '../../ingest/glue.ts';
import { provision, resolveProvisionOptions } from '../../provision/index.ts';

const ROLE = 'arn:aws:iam::123456789012:role/accesslake-crawler';
// Athena's own ${…} template syntax, escaped in a JS template.
const LOCATION_TEMPLATE = `s3://lake-bucket/lake/access_logs/year=\${year}/month=\${month}/day=\${day}/hour=\${hour}/`;
let moto: MotoServer;
let glue: GlueClient;
let athena: AthenaClient;
let s3: S3Client;

beforeAll(async () => {
  moto = await startMotoServer();
  const common = motoClientConfig(moto.endpoint);
  glue = new GlueClient(common);
  athena = new AthenaClient(common);
  s3 = new S3Client({ ...common, forcePathStyle: true });
});
afterAll(async () => {
  glue?.destroy();
  athena?.destroy();
  s3?.destroy();
  await moto?.stop();
});
beforeEach(async () => moto.reset());

const options = (flags: Record<string, string | boolean> = {}) =>
  resolveProvisionOptions(
    {
      storage: 's3://lake-bucket/lake',
      endpoint: moto.endpoint,
      'create-bucket': true,
      'crawler-role': ROLE,
      ...flags,
    },
    {},
  );
const clients = () => ({ glue, athena, s3 });

/**
 * moto runs no SQL, so the `CREATE OR REPLACE VIEW` provision sends through Athena stores nothing: this
 * puts in Glue what Athena would (a VIRTUAL_VIEW table named access_logs), as a later run then sees it.
 */
async function athenaStoresTheView() {
  await glue
    .send(
      new CreateTableCommand({
        DatabaseName: 'accesslake',
        TableInput: { Name: 'access_logs', TableType: 'VIRTUAL_VIEW', Parameters: { presto_view: 'true' } },
      }),
    )
    .catch((error: Error) => {
      if (error.name !== 'AlreadyExistsException') throw error;
    });
}

describe('provision on moto_server', () => {
  it('creates everything once; the second run changes nothing and says so', async () => {
    const first = await provision(options(), clients());
    expect(first.reports.map((r) => r.outcome)).toEqual(Array(16).fill('created'));
    expect(first.reports.map((r) => r.kind).slice(0, 8)).toEqual([
      'S3 bucket',
      'Glue database',
      'Glue table (crawled)',
      'Glue crawler',
      'Glue table (Parquet)',
      'Athena workgroup',
      'Athena workgroup',
      'Athena view',
    ]);
    await athenaStoresTheView();

    const second = await provision(options(), clients());
    expect(second.reports.map((r) => r.outcome)).toEqual(Array(16).fill('unchanged'));
    expect(second.nothingToDo).toBe(true);
    expect(second.incomplete).toBe(false);
  });

  it('makes the crawler over the raw table (a catalog target), LOG/LOG, on the schedule', async () => {
    await provision(options({ 'crawler-schedule': '30m' }), clients());
    const { Crawler: c } = await glue.send(new GetCrawlerCommand({ Name: 'accesslake-access-logs' }));
    expect(c).toMatchObject({
      Role: ROLE,
      DatabaseName: 'accesslake',
      Targets: { CatalogTargets: [{ DatabaseName: 'accesslake', Tables: ['access_logs_raw'] }] },
      Schedule: { ScheduleExpression: 'cron(0/30 * * * ? *)' },
      RecrawlPolicy: { RecrawlBehavior: 'CRAWL_EVERYTHING' },
      SchemaChangePolicy: { UpdateBehavior: 'LOG', DeleteBehavior: 'LOG' },
      State: 'READY',
    });
    expect(JSON.parse(c!.Configuration!)).toEqual({
      Version: 1,
      CrawlerOutput: { Partitions: { AddOrUpdateBehavior: 'InheritFromTable' } },
    });
    const { Table: raw } = await glue.send(
      new GetTableCommand({ DatabaseName: 'accesslake', Name: 'access_logs_raw' }),
    );
    expect(raw?.StorageDescriptor?.Location).toBe('s3://lake-bucket/lake/access_logs/');
    expect(raw?.Parameters?.['projection.enabled']).toBeUndefined();
    const { Table: parquet } = await glue.send(
      new GetTableCommand({ DatabaseName: 'accesslake', Name: 'access_logs_compacted' }),
    );
    expect(parquet?.StorageDescriptor?.Location).toBe('s3://lake-bucket/lake/access_logs_compacted/');
    expect(parquet?.StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(
      'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    );
    expect(parquet?.Parameters?.['projection.enabled']).toBe('true');
  });

  it('makes the workgroup with engine v3, enforced results location and the scan cutoff', async () => {
    await provision(options({ 'bytes-scanned-cutoff': '2GiB' }), clients());
    const { WorkGroup: w } = await athena.send(new GetWorkGroupCommand({ WorkGroup: 'accesslake' }));
    expect(w?.Configuration).toMatchObject({
      ResultConfiguration: { OutputLocation: 's3://lake-bucket/lake/athena-results/' },
      EnforceWorkGroupConfiguration: true,
      BytesScannedCutoffPerQuery: 2 * 1024 ** 3,
      EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
    });
    // Reports run in a workgroup of their own: enforced too (so their CTAS names no location), with
    // results in a folder of the results prefix and a cutoff of their own for long periods.
    const { WorkGroup: r } = await athena.send(new GetWorkGroupCommand({ WorkGroup: 'accesslake-reports' }));
    expect(r?.Configuration).toMatchObject({
      ResultConfiguration: { OutputLocation: 's3://lake-bucket/lake/athena-results/reports/' },
      EnforceWorkGroupConfiguration: true,
      BytesScannedCutoffPerQuery: 100 * 1024 ** 3,
    });
  });

  it('saves the eight named queries in the workgroup, runnable as they are', async () => {
    await provision(options(), clients());
    const { NamedQueryIds = [] } = await athena.send(
      new ListNamedQueriesCommand({ WorkGroup: 'accesslake' }),
    );
    const queries = await Promise.all(
      NamedQueryIds.map(
        async (id) => (await athena.send(new GetNamedQueryCommand({ NamedQueryId: id }))).NamedQuery!,
      ),
    );
    expect(queries.map((q) => q.Name).sort()).toEqual([
      'bytes-served',
      'error-rate',
      'latency-percentiles',
      'slow-requests',
      'status-classes',
      'top-clients',
      'top-paths',
      'top-user-agents',
    ]);
    for (const q of queries) {
      expect(q.Database).toBe('accesslake');
      expect(q.QueryString).not.toContain('{{');
      expect(q.QueryString).toContain(
        "concat(year, month, day, hour) BETWEEN date_format(current_timestamp - INTERVAL '24' HOUR, '%Y%m%d%H')",
      );
    }
  });

  it('shows drift and leaves it: a different cost guard is reported, not applied', async () => {
    await provision(options(), clients());
    const drift = await provision(options({ 'bytes-scanned-cutoff': '1GiB' }), clients());
    const w = drift.reports.find((r) => r.kind === 'Athena workgroup')!;
    expect(w.outcome).toBe('differs');
    expect(w.changes).toEqual([
      { field: 'BytesScannedCutoffPerQuery', actual: 10 * 1024 ** 3, desired: 1024 ** 3 },
    ]);
    expect(drift.incomplete).toBe(true);
    const { WorkGroup } = await athena.send(new GetWorkGroupCommand({ WorkGroup: 'accesslake' }));
    expect(WorkGroup?.Configuration?.BytesScannedCutoffPerQuery).toBe(10 * 1024 ** 3);
  });

  it('changes nothing in a dry run', async () => {
    const dry = await provision(options(), clients(), { dryRun: true });
    expect(dry.reports.map((r) => r.outcome)).toEqual(Array(16).fill('would create'));
    await expect(glue.send(new GetDatabaseCommand({ Name: 'accesslake' }))).rejects.toMatchObject({
      name: 'EntityNotFoundException',
    });
    const { WorkGroups = [] } = await athena.send(new ListWorkGroupsCommand({}));
    expect(WorkGroups.map((w) => w.Name)).toEqual(['primary']);
  });

  it('creates a partition-projection table instead of a crawler, idempotently', async () => {
    const first = await provision(options({ table: 'projection' }), clients());
    expect(first.reports[2]).toMatchObject({ kind: 'Glue table (projection)', outcome: 'created' });
    const { Table: t } = await glue.send(
      new GetTableCommand({ DatabaseName: 'accesslake', Name: 'access_logs_raw' }),
    );
    expect(t?.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.hour.range': '0,23',
      'projection.hour.digits': '2',
      'storage.location.template': LOCATION_TEMPLATE,
    });
    // The Hive JSON SerDe (docs/aws.md, "JSON SerDe"), not OpenX.
    expect(t?.StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(
      'org.apache.hive.hcatalog.data.JsonSerDe',
    );
    expect(t?.PartitionKeys?.map((k) => k.Name)).toEqual(['year', 'month', 'day', 'hour']);
    expect(t?.StorageDescriptor?.Columns?.map((c) => c.Name)).toContain('upstream_response_time');
    await expect(glue.send(new GetCrawlerCommand({ Name: 'accesslake-access-logs' }))).rejects.toMatchObject({
      name: 'EntityNotFoundException',
    });
    await athenaStoresTheView();
    const second = await provision(options({ table: 'projection' }), clients());
    expect(second.nothingToDo).toBe(true);

    // The registrar knows projection needs no catalog partitions.
    const registrar = createGlueRegistrar({
      database: 'accesslake',
      table: 'access_logs_raw',
      crawler: 'x',
      client: glue,
    });
    await registrar.register([{ year: '2025', month: '01', day: '10', hour: '14' }]);
    const { Partitions = [] } = await glue.send(
      new GetPartitionsCommand({ DatabaseName: 'accesslake', TableName: 'access_logs_raw' }),
    );
    expect(Partitions).toEqual([]);
  });
});

describe('the crawler and the registrar on moto_server', () => {
  it('adds hour partitions to the raw table provision made for the crawler, like the crawl would', async () => {
    await provision(options(), clients());
    const registrar = createGlueRegistrar({
      database: 'accesslake',
      table: 'access_logs_raw',
      crawler: 'accesslake-access-logs',
      client: glue,
      crawlerDebounceMs: 0,
      missingTableTtlMs: 0,
    });
    const hour = { year: '2025', month: '01', day: '10', hour: '14' };
    await registrar.register([hour, { ...hour, hour: '15' }]);
    expect([...registrar.registered]).toEqual(['2025011014', '2025011015']);
    const { Partition } = await glue.send(
      new GetPartitionCommand({
        DatabaseName: 'accesslake',
        TableName: 'access_logs_raw',
        PartitionValues: ['2025', '01', '10', '14'],
      }),
    );
    expect(Partition?.StorageDescriptor?.Location).toBe(
      's3://lake-bucket/lake/access_logs/year=2025/month=01/day=10/hour=14/',
    );
    expect(Partition?.StorageDescriptor?.Columns?.map((c) => c.Name)).toContain('upstream_response_time');

    // A second ingest instance (fresh memory) meets AlreadyExists and counts the hour as registered.
    const other = createGlueRegistrar({
      database: 'accesslake',
      table: 'access_logs_raw',
      crawler: 'x',
      client: glue,
    });
    await other.register([hour]);
    expect([...other.registered]).toEqual(['2025011014']);
  });
});

describe('accesslake provision (CLI) on moto_server', () => {
  it('says on the second run that there is nothing to change, exit 0; drift exits 1', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', MOTO_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', MOTO_CREDENTIALS.secretAccessKey);
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)));
    try {
      const argv = [
        'provision',
        '--lake',
        's3://lake-bucket/lake',
        '--create-bucket',
        '--table',
        'projection',
        '--endpoint',
        moto.endpoint,
      ];
      expect(await main(argv, { AWS_REGION: MOTO_REGION })).toBe(0);
      expect(out.join('\n')).toContain('+ Glue table (projection) accesslake.access_logs_raw: created');
      expect(out.join('\n')).toContain('+ Athena view accesslake.access_logs: created');
      await athenaStoresTheView();
      out.length = 0;
      expect(await main(argv, { AWS_REGION: MOTO_REGION })).toBe(0);
      expect(out.at(-1)).toBe('\nnothing to change: all 15 resources are already as wanted');
      out.length = 0;
      expect(await main([...argv, '--bytes-scanned-cutoff', '1GiB'], { AWS_REGION: MOTO_REGION })).toBe(1);
      expect(out.join('\n')).toContain('BytesScannedCutoffPerQuery: 10737418240 → 1073741824');
    } finally {
      log.mockRestore();
      vi.unstubAllEnvs();
    }
  });
});
