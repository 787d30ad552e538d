import { AthenaClient } from '@aws-sdk/client-athena';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsError } from '../../aws/index.ts';
import { convertAthenaValue } from '../../query/engines/athena.ts';
import { createAthenaEngine, QueryError } from '../../query/index.ts';
import { AwsFault, awsOperation, TEST_CREDENTIALS, unknownOperation } from '../support/aws-json-mock.ts';

const ENDPOINT = 'http://athena.mock.test';
const op = (name: string, resolve: Parameters<typeof awsOperation>[2]) =>
  awsOperation(ENDPOINT, `AmazonAthena.${name}`, resolve);

const calls: { op: string; input: Record<string, unknown> }[] = [];
const record = (name: string, resolve: Parameters<typeof awsOperation>[2]) =>
  op(name, (input) => {
    calls.push({ op: name, input });
    return resolve(input);
  });

const COLUMNS = [
  { Name: 'path', Label: 'path', Type: 'varchar' },
  { Name: 'requests', Label: 'requests', Type: 'bigint' },
  { Name: 'p95', Label: 'p95', Type: 'double' },
];
const row = (...values: (string | undefined)[]) => ({
  Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })),
});

// Happy path: a query that runs for two polls, then two pages of results.
let polls = 0;
const happy = [
  record('StartQueryExecution', (input) => {
    if (!input.WorkGroup) throw new AwsFault('InvalidRequestException', 'WorkGroup is required');
    return { QueryExecutionId: 'qid-1' };
  }),
  record('GetQueryExecution', (input) => {
    if (input.QueryExecutionId !== 'qid-1')
      throw new AwsFault('InvalidRequestException', 'QueryExecution not found');
    polls++;
    const state = polls < 3 ? (polls === 1 ? 'QUEUED' : 'RUNNING') : 'SUCCEEDED';
    return {
      QueryExecution: {
        QueryExecutionId: 'qid-1',
        StatementType: 'DML',
        Status: { State: state },
        Statistics: { DataScannedInBytes: 52_428_800 },
      },
    };
  }),
  record('GetQueryResults', (input) => {
    if (!input.NextToken) {
      return {
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: COLUMNS },
          Rows: [row('path', 'requests', 'p95'), row('/', '120', '0.25'), row('/api', '80', undefined)],
        },
        NextToken: 'page-2',
      };
    }
    if (input.NextToken !== 'page-2') throw new AwsFault('InvalidRequestException', 'bad token');
    return {
      ResultSet: { ResultSetMetadata: { ColumnInfo: COLUMNS }, Rows: [row('', '9007199254740993', 'NaN')] },
    };
  }),
  record('StopQueryExecution', () => ({})),
  unknownOperation(ENDPOINT),
];

const server = setupServer(...happy);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  calls.length = 0;
  polls = 0;
});
afterAll(() => server.close());

function engine(options: { timeoutMs?: number; maxRows?: number } = {}) {
  const waits: number[] = [];
  const client = new AthenaClient({
    endpoint: ENDPOINT,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
  const athena = createAthenaEngine({
    workgroup: 'accesslake',
    client,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
  return { athena, waits };
}

describe('the Athena engine', () => {
  it('starts the query in the workgroup, polls with backoff, pages the results and converts types', async () => {
    const { athena, waits } = engine();
    const result = await athena.query('SELECT 1');
    expect(calls[0]).toEqual({
      op: 'StartQueryExecution',
      input: {
        ClientRequestToken: expect.any(String), // the SDK's idempotency token
        QueryString: 'SELECT 1',
        WorkGroup: 'accesslake',
        QueryExecutionContext: { Database: 'accesslake', Catalog: 'AwsDataCatalog' },
      },
    });
    expect(waits).toEqual([200, 400]); // QUEUED, RUNNING, then SUCCEEDED
    expect(calls.filter((c) => c.op === 'GetQueryResults').map((c) => c.input)).toEqual([
      { QueryExecutionId: 'qid-1', MaxResults: 1000 },
      { QueryExecutionId: 'qid-1', MaxResults: 1000, NextToken: 'page-2' },
    ]);
    expect(result.columns).toEqual([
      { name: 'path', type: 'varchar' },
      { name: 'requests', type: 'bigint' },
      { name: 'p95', type: 'double' },
    ]);
    expect(result.rows).toEqual([
      { path: '/', requests: 120, p95: 0.25 },
      { path: '/api', requests: 80, p95: null },
      { path: '', requests: '9007199254740993', p95: Number.NaN },
    ]);
    expect(result.bytesScanned).toBe(52_428_800);
    expect(result.costUsd).toBeCloseTo((50 * 5) / 1024 / 1024, 12);
    expect(result.queryExecutionId).toBe('qid-1');
  });

  it('sends bound values as ExecutionParameters, each the SQL literal Athena substitutes for a ?', async () => {
    const { athena } = engine();
    await athena.query('SELECT count(*) FROM access_logs WHERE source = ? AND status >= ?', {
      params: ["o'brien", 500],
    });
    expect(calls[0]?.input).toMatchObject({
      QueryString: 'SELECT count(*) FROM access_logs WHERE source = ? AND status >= ?',
      ExecutionParameters: ["'o''brien'", '500'],
    });
  });

  it('reports a FAILED query with Athena’s reason', async () => {
    server.use(
      op('GetQueryExecution', () => ({
        QueryExecution: {
          QueryExecutionId: 'qid-1',
          Status: {
            State: 'FAILED',
            StateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
            AthenaError: {
              ErrorCategory: 2,
              ErrorMessage: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
            },
          },
        },
      })),
    );
    const { athena } = engine();
    const error = await athena.query('SELECT nope FROM access_logs').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).state).toBe('FAILED');
    expect((error as Error).message).toBe(
      "Athena query qid-1 FAILED: COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
    );
  });

  it('turns throttling into a plain, retry-later error', async () => {
    server.use(
      op('StartQueryExecution', () => {
        throw new AwsFault('TooManyRequestsException', 'Rate exceeded');
      }),
    );
    const error = await engine()
      .athena.query('SELECT 1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect(error).toMatchObject({ code: 'TooManyRequestsException', throttled: true });
    expect((error as Error).message).toMatch(
      /^AWS is throttling athena:StartQueryExecution on workgroup\/accesslake; wait a moment and run it again/,
    );
  });

  it('names the action and resource when access is denied', async () => {
    server.use(
      op('StartQueryExecution', () => {
        throw new AwsFault('AccessDeniedException', 'User: arn:aws:iam::1:user/x is not authorized');
      }),
    );
    const error = await engine()
      .athena.query('SELECT 1')
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      'AWS denied athena:StartQueryExecution on workgroup/accesslake: the credentials in use may not do this. Allow "athena:StartQueryExecution" on "workgroup/accesslake"',
    );
    expect(((error as Error).cause as Error).message).toContain('is not authorized');
  });

  it('says so when the workgroup does not exist', async () => {
    server.use(
      op('StartQueryExecution', () => {
        throw new AwsFault('InvalidRequestException', 'WorkGroup accesslake is not found.');
      }),
    );
    const error = await engine()
      .athena.query('SELECT 1')
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'athena:StartQueryExecution on workgroup/accesslake failed with InvalidRequestException',
    );
    expect(((error as Error).cause as Error).message).toBe('WorkGroup accesslake is not found.');
  });

  it('stops a query that outlives its timeout', async () => {
    server.use(
      op('GetQueryExecution', () => ({
        QueryExecution: { QueryExecutionId: 'qid-1', Status: { State: 'RUNNING' } },
      })),
    );
    const { athena } = engine({ timeoutMs: 1 });
    const error = await athena.query('SELECT 1').catch((e: unknown) => e);
    expect(error).toMatchObject({ state: 'TIMEOUT' });
    expect(calls.map((c) => c.op)).toContain('StopQueryExecution');
  });

  it('refuses more rows than maxRows', async () => {
    const { athena } = engine({ maxRows: 1 });
    await expect(athena.query('SELECT 1')).rejects.toThrow(/returned more than 1 rows; add a LIMIT/);
  });
});

describe('Athena value conversion', () => {
  it('maps Athena’s strings onto JS values by column type', () => {
    expect(convertAthenaValue(undefined, 'varchar')).toBeNull();
    expect(convertAthenaValue('', 'varchar')).toBe('');
    expect(convertAthenaValue('42', 'integer')).toBe(42);
    expect(convertAthenaValue('-7', 'bigint')).toBe(-7);
    expect(convertAthenaValue('1.50', 'decimal(10,2)')).toBe(1.5);
    expect(convertAthenaValue('true', 'boolean')).toBe(true);
    expect(convertAthenaValue('2025-01-10 14:31:00.000', 'timestamp')).toBe('2025-01-10T14:31:00.000Z');
    expect(convertAthenaValue('2025-01-10 14:31:00.000 UTC', 'timestamp with time zone')).toBe(
      '2025-01-10T14:31:00.000Z',
    );
    expect(convertAthenaValue('{a=b}', 'map(varchar, varchar)')).toBe('{a=b}');
  });
});
