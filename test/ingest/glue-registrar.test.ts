import { GlueClient } from '@aws-sdk/client-glue';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsError } from '../../aws/index.ts';
import { createIngestApp } from '../../ingest/app.ts';
import { createGlueRegistrar } from '../../ingest/partitions/glue-registrar.ts';
import type { HourPartition } from '../../lake-contract/index.ts';
import { createMemoryStorage } from '../../storage/index.ts';
import { AwsFault, awsOperation, TEST_CREDENTIALS, unknownOperation } from '../support/aws-json-mock.ts';

const ENDPOINT = 'http://glue.mock.test';
const calls: { op: string; input: Record<string, unknown> }[] = [];
const glueOp = (name: string, resolve: (input: Record<string, unknown>) => unknown) =>
  awsOperation(ENDPOINT, `AWSGlue.${name}`, (input) => {
    calls.push({ op: name, input });
    return resolve(input);
  });

const TABLE = {
  Name: 'access_logs',
  DatabaseName: 'accesslake',
  PartitionKeys: ['year', 'month', 'day', 'hour'].map((Name) => ({ Name, Type: 'string' })),
  StorageDescriptor: {
    Columns: [{ Name: 'ts', Type: 'string' }],
    Location: 's3://lake-bucket/lake/access_logs/',
    InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
    SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
  },
  Parameters: { classification: 'json' },
};

// Happy path: the table exists and every partition is new.
const server = setupServer(
  glueOp('GetTable', (input) => {
    if (input.DatabaseName !== 'accesslake' || input.Name !== 'access_logs')
      throw new AwsFault('EntityNotFoundException', 'Table not found');
    return { Table: TABLE };
  }),
  glueOp('BatchCreatePartition', (input) => {
    if ((input.PartitionInputList as unknown[]).length > 100)
      throw new AwsFault('InvalidInputException', 'at most 100 partitions');
    return { Errors: [] };
  }),
  glueOp('StartCrawler', () => ({})),
  unknownOperation(ENDPOINT),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  calls.length = 0;
});
afterAll(() => server.close());

const hour = (h: string, day = '10'): HourPartition => ({ year: '2025', month: '01', day, hour: h });
const ops = () => calls.map((c) => c.op);

function registrar(extra: { now?: () => number } = {}) {
  const client = new GlueClient({
    endpoint: ENDPOINT,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
  return createGlueRegistrar({
    database: 'accesslake',
    table: 'access_logs',
    crawler: 'accesslake-access-logs',
    client,
    ...extra,
  });
}

describe('the Glue partition registrar', () => {
  it("adds a new hour with the table's StorageDescriptor at the hour's location, once", async () => {
    const r = registrar();
    await r.register([hour('14'), hour('14'), hour('15')]);
    expect(ops()).toEqual(['GetTable', 'BatchCreatePartition']);
    const input = calls[1]!.input as {
      PartitionInputList: { Values: string[]; StorageDescriptor: typeof TABLE.StorageDescriptor }[];
    };
    expect(input.PartitionInputList.map((p) => p.Values)).toEqual([
      ['2025', '01', '10', '14'],
      ['2025', '01', '10', '15'],
    ]);
    expect(input.PartitionInputList[0]!.StorageDescriptor).toEqual({
      ...TABLE.StorageDescriptor,
      Location: 's3://lake-bucket/lake/access_logs/year=2025/month=01/day=10/hour=14/',
    });

    calls.length = 0;
    await r.register([hour('14'), hour('15')]);
    expect(ops()).toEqual([]); // remembered: no call at all
    await r.register([hour('15'), hour('16')]);
    expect(ops()).toEqual(['BatchCreatePartition']); // the table is remembered too
    expect([...r.registered]).toEqual(['2025011014', '2025011015', '2025011016']);
  });

  it('treats AlreadyExists as registered, and fails for other partition errors without remembering them', async () => {
    server.use(
      glueOp('BatchCreatePartition', () => ({
        Errors: [
          {
            PartitionValues: ['2025', '01', '10', '14'],
            ErrorDetail: { ErrorCode: 'AlreadyExistsException', ErrorMessage: 'exists' },
          },
          {
            PartitionValues: ['2025', '01', '10', '15'],
            ErrorDetail: { ErrorCode: 'InternalServiceException', ErrorMessage: 'try again' },
          },
        ],
      })),
    );
    const r = registrar();
    const error = await r.register([hour('14'), hour('15')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect((error as Error).message).toContain('glue:BatchCreatePartition on table/accesslake/access_logs');
    expect(((error as Error).cause as Error).message).toContain(
      '2025/01/10/15: InternalServiceException try again',
    );
    expect([...r.registered]).toEqual(['2025011014']);
  });

  it('sends at most 100 partitions per BatchCreatePartition', async () => {
    const hours = Array.from({ length: 150 }, (_, i) =>
      hour(String(i % 24).padStart(2, '0'), String(1 + Math.floor(i / 24)).padStart(2, '0')),
    );
    await registrar().register(hours);
    const sizes = calls
      .filter((c) => c.op === 'BatchCreatePartition')
      .map((c) => (c.input.PartitionInputList as unknown[]).length);
    expect(sizes).toEqual([100, 50]);
  });

  it('starts the crawler, debounced, while the table does not exist, then adds partitions once it does', async () => {
    let tableExists = false;
    let crawlerRunning = false;
    server.use(
      glueOp('GetTable', () => {
        if (!tableExists) throw new AwsFault('EntityNotFoundException', 'Table access_logs not found.');
        return { Table: TABLE };
      }),
      glueOp('StartCrawler', () => {
        if (crawlerRunning)
          throw new AwsFault(
            'CrawlerRunningException',
            'Crawler with name accesslake-access-logs has already started',
          );
        crawlerRunning = true;
        return {};
      }),
    );
    let clock = 0;
    const r = registrar({ now: () => clock });
    await r.register([hour('14')]);
    expect(ops()).toEqual(['GetTable', 'StartCrawler']);
    expect(calls[1]!.input).toEqual({ Name: 'accesslake-access-logs' });

    calls.length = 0;
    clock += 30_000; // within the missing-table TTL and the crawler debounce: no calls
    await r.register([hour('14')]);
    expect(ops()).toEqual([]);

    clock += 6 * 60_000; // table still missing, crawler still running: CrawlerRunningException is fine
    await r.register([hour('14')]);
    expect(ops()).toEqual(['GetTable', 'StartCrawler']);
    expect(r.registered.size).toBe(0);

    calls.length = 0;
    tableExists = true;
    clock += 61_000;
    await r.register([hour('14')]);
    expect(ops()).toEqual(['GetTable', 'BatchCreatePartition']);
    expect([...r.registered]).toEqual(['2025011014']);
  });

  it('adds nothing to a partition-projection table', async () => {
    server.use(
      glueOp('GetTable', () => ({ Table: { ...TABLE, Parameters: { 'projection.enabled': 'true' } } })),
    );
    const r = registrar();
    await r.register([hour('14')]);
    await r.register([hour('14')]);
    expect(ops()).toEqual(['GetTable']);
  });

  it('reports throttling and access denial in plain language', async () => {
    server.use(
      glueOp('GetTable', () => {
        throw new AwsFault('ThrottlingException', 'Rate exceeded');
      }),
    );
    await expect(registrar().register([hour('14')])).rejects.toMatchObject({
      throttled: true,
      message: expect.stringMatching(/^AWS is throttling glue:GetTable on table\/accesslake\/access_logs/),
    });
    server.use(
      glueOp('GetTable', () => {
        throw new AwsFault('AccessDeniedException', 'not authorized to perform: glue:GetTable');
      }),
    );
    await expect(registrar().register([hour('14')])).rejects.toThrow(
      'AWS denied glue:GetTable on table/accesslake/access_logs: the credentials in use may not do this. Allow "glue:GetTable" on "table/accesslake/access_logs"',
    );
  });

  it('never fails the batch: the ingest answers 200 when Glue refuses', async () => {
    server.use(
      glueOp('GetTable', () => {
        throw new AwsFault('AccessDeniedException', 'no');
      }),
    );
    const app = createIngestApp({
      tokens: ['registrar-token'],
      storage: createMemoryStorage(),
      partitionRegistrar: registrar(),
    });
    const line = JSON.stringify({
      ts: '2025-01-10T14:31:02+00:00',
      remote_addr: '203.0.113.9',
      method: 'GET',
      path: '/',
      status: 200,
      bytes_sent: 1,
    });
    const res = await app.request('/v1/batches', {
      method: 'POST',
      body: `${line}\n`,
      headers: {
        Authorization: 'Bearer registrar-token',
        'Idempotency-Key': 'registrar-batch-1',
        'X-Source': 'web-1',
      },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 1 });
    expect(app.metrics.registry.render()).toMatch(/partition\S*errors\S* 1/);
  });
});
