/**
 * The Athena path against msw: the CTAS/SELECT/DROP statements the report generates, polling until each
 * query ends, Athena's Parquet found through the table's `"$path"` and read from the workgroup's results
 * location, and cleanup after a failure. Athena is played by a small stateful fake that enforces what
 * moto skips: the workgroup enforces its configuration, so a CTAS naming `external_location` fails
 * ("Considerations and limitations for CTAS queries",
 * https://docs.aws.amazon.com/athena/latest/ug/considerations-ctas.html) and a CTAS without one is
 * written to `<results location>/tables/<query-id>/`. S3 is played by memory storages that say they are
 * `s3://` (msw would only re-implement S3 here; the moto suite runs the same flow against a real S3 API).
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAthenaEngine, QueryError } from '../../query/index.ts';
import { s3ObjectsVia } from '../../reports/engines/s3-objects.ts';
import { ReportOutputError } from '../../reports/errors.ts';
import { createLinkMaker } from '../../reports/output/links.ts';
import { resolvePeriod } from '../../reports/period/resolve-period.ts';
import { runReport } from '../../reports/run-report.ts';
import { createMemoryStorage, type ObjectStorage } from '../../storage/index.ts';
import { AwsFault, awsOperation, TEST_CREDENTIALS, unknownOperation } from '../support/aws-json-mock.ts';
import { athenaRows, COLUMN_INFO, FIXTURE_ROWS, fixtureParquet } from './helpers/athena-fixture.ts';
import { readCsvGz } from './helpers/files.ts';

const ENDPOINT = 'http://athena.report.test';
const BUCKET_URL = 's3://reports-bucket/team/';
/** The enforced workgroup's results location, in a bucket of its own to prove the report follows it. */
const RESULTS_BUCKET = 'results-bucket';
const RESULTS_URL = `s3://${RESULTS_BUCKET}/athena-results/reports/`;
/** Athena's answer to a CTAS that names a location in an enforced workgroup (the rule, in our words). */
const ENFORCED_LOCATION_ERROR =
  'external_location cannot be set: the workgroup enforces its query results location';
const RUN_ID = 'rtest0001';
const TABLE = `accesslake.accesslake_report_${RUN_ID}`;
const PERIOD = resolvePeriod({ period: 'weekly', now: new Date('2025-01-15T09:00:00Z') });

interface Execution {
  sql: string;
  polls: number;
  fail?: string;
}

/** A memory storage that presents itself as the S3 bucket, as Athena's staging must be S3. */
function s3LikeStorage(): ObjectStorage {
  return { ...createMemoryStorage(), url: BUCKET_URL };
}

let parquet: Uint8Array;
let storage: ObjectStorage;
/** The results bucket, keys relative to `s3://results-bucket/`. */
let results: ObjectStorage;
let executions: Execution[];
let getExecutionCalls: number;
/** How many files the fake CTAS writes; a failing CTAS writes none. */
let ctasFiles: number;
let failCtasWith: string | undefined;

const op = (name: string, resolve: Parameters<typeof awsOperation>[2]) =>
  awsOperation(ENDPOINT, `AmazonAthena.${name}`, resolve);

const fakeAthena = [
  op('StartQueryExecution', async (input) => {
    if (input.WorkGroup !== 'reports-wg')
      throw new AwsFault('InvalidRequestException', 'WorkGroup is not found');
    const sql = String(input.QueryString);
    const execution: Execution = { sql, polls: 0 };
    executions.push(execution);
    const id = `q${executions.length}`;
    if (sql.startsWith('CREATE TABLE')) {
      if (/\bexternal_location\b/.test(sql)) execution.fail = ENFORCED_LOCATION_ERROR;
      else if (failCtasWith) execution.fail = failCtasWith;
      else {
        // An enforced workgroup writes the table to <results>/tables/<query-id>/, names of its own.
        const folder = `${RESULTS_URL}tables/${id}/`.slice(`s3://${RESULTS_BUCKET}/`.length);
        for (let i = 0; i < ctasFiles; i++) {
          await results.put(`${folder}20250115_090000_0000${i}_abcde_bucket-0000${i}`, parquet);
        }
      }
    }
    return { QueryExecutionId: `q${executions.length}` };
  }),
  op('GetQueryExecution', (input) => {
    getExecutionCalls++;
    const execution = executions[Number(String(input.QueryExecutionId).slice(1)) - 1];
    if (!execution) throw new AwsFault('InvalidRequestException', 'QueryExecution not found');
    execution.polls++;
    const ddl = /^(CREATE|DROP)/.test(execution.sql);
    const state =
      execution.polls === 1
        ? 'QUEUED'
        : execution.polls === 2
          ? 'RUNNING'
          : execution.fail
            ? execution.fail.startsWith('Query cancelled')
              ? 'CANCELLED'
              : 'FAILED'
            : 'SUCCEEDED';
    return {
      QueryExecution: {
        QueryExecutionId: input.QueryExecutionId,
        StatementType: ddl && !execution.sql.startsWith('CREATE TABLE') ? 'DDL' : 'DML',
        Status: {
          State: state,
          ...(state === 'FAILED' || state === 'CANCELLED'
            ? { AthenaError: { ErrorMessage: execution.fail } }
            : {}),
        },
        Statistics: {
          DataScannedInBytes: execution.sql.startsWith('CREATE TABLE')
            ? 3 * 1024 ** 3
            : execution.sql.startsWith('SELECT')
              ? 4096
              : 0,
        },
      },
    };
  }),
  op('GetQueryResults', async (input) => {
    const execution = executions[Number(String(input.QueryExecutionId).slice(1)) - 1];
    if (execution?.sql.startsWith('SELECT DISTINCT "$path"')) {
      const files = (await results.list('')).map((key) => `s3://${RESULTS_BUCKET}/${key}`);
      return {
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: [{ Name: 'file', Type: 'varchar' }] },
          Rows: [
            { Data: [{ VarCharValue: 'file' }] },
            ...files.map((f) => ({ Data: [{ VarCharValue: f }] })),
          ],
        },
      };
    }
    if (execution?.sql.startsWith('SELECT')) {
      return { ResultSet: { ResultSetMetadata: { ColumnInfo: COLUMN_INFO }, Rows: athenaRows() } };
    }
    return { ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] } };
  }),
  unknownOperation(ENDPOINT),
];

const server = setupServer(...fakeAthena);

beforeAll(async () => {
  parquet = await fixtureParquet();
  server.listen({ onUnhandledRequest: 'error' });
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function setup(options: { files?: number; failCtas?: string } = {}) {
  storage = s3LikeStorage();
  results = { ...createMemoryStorage(), url: `s3://${RESULTS_BUCKET}/` };
  executions = [];
  getExecutionCalls = 0;
  ctasFiles = options.files ?? 1;
  failCtasWith = options.failCtas;
  const engine = createAthenaEngine({
    workgroup: 'reports-wg',
    client: new AthenaClient({
      endpoint: ENDPOINT,
      region: 'eu-west-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    }),
    sleep: async () => {},
  });
  const s3 = new S3Client({ region: 'eu-west-1', credentials: TEST_CREDENTIALS });
  return {
    engine,
    run: () =>
      runReport({
        period: PERIOD,
        engine,
        output: storage,
        links: createLinkMaker(BUCKET_URL, { client: () => s3, expiresInSeconds: 3 * 86400 }),
        athena: {
          database: 'accesslake',
          objects: s3ObjectsVia(async (root) => {
            expect(root).toBe(`s3://${RESULTS_BUCKET}`);
            return results;
          }),
        },
        runId: RUN_ID,
        top: 5,
      }),
  };
}

describe('Athena report (msw)', () => {
  it('runs CTAS to Parquet, reads the small table back, drops it, in that order', async () => {
    const { run } = setup();
    await run();
    expect(executions.map((e) => e.sql.split('\n')[0])).toEqual([
      `CREATE TABLE ${TABLE}`,
      `SELECT * FROM ${TABLE} ORDER BY CASE dimension WHEN 'total' THEN 0 WHEN 'day' THEN 1 WHEN 'status_class' THEN 2 WHEN 'path' THEN 3 WHEN 'client' THEN 4 WHEN 'user_agent' THEN 5 END, CASE WHEN dimension IN ('day', 'status_class') THEN key ELSE '' END, rank_requests`,
      `SELECT DISTINCT "$path" AS file FROM ${TABLE} ORDER BY 1`,
      `DROP TABLE IF EXISTS ${TABLE}`,
    ]);
    expect(executions.map((e) => e.fail)).toEqual([undefined, undefined, undefined, undefined]);
    const ctas = executions[0]!.sql;
    expect(ctas).toContain("format = 'PARQUET'");
    expect(ctas).toContain("write_compression = 'SNAPPY'");
    // The workgroup enforces its results location: a CTAS naming its own location would fail.
    expect(ctas).not.toContain('external_location');
    expect(ctas).toContain("bucketed_by = ARRAY['dimension']");
    expect(ctas).toContain('bucket_count = 1');
    // The partition predicate limits the scan to the week's hours; the ts range trims to the instant.
    // The named queries' pruning: a plain year range (projection enumerates from it), then the hours.
    expect(ctas).toContain(
      "WHERE year BETWEEN '2025' AND '2025'\n    AND concat(year, month, day, hour) BETWEEN '2025010600' AND '2025011223'",
    );
    expect(ctas).toContain("AND ts >= '2025-01-06T00:00:00.000Z' AND ts < '2025-01-13T00:00:00.000Z'");
    expect(ctas).toContain(
      'GROUP BY GROUPING SETS ((), (local_day), (status_class), (path_only), (remote_addr), (agent))',
    );
    expect(ctas).toContain('approx_percentile(request_time, 0.95) AS p95');
    expect(ctas).toContain('rank_requests <= 5');
    // Reads the data once: access_logs appears in exactly one FROM.
    expect(ctas.match(/FROM access_logs/g)).toHaveLength(1);
  });

  it('polls each query through QUEUED and RUNNING until it ends', async () => {
    const { run } = setup();
    await run();
    expect(executions.map((e) => e.polls)).toEqual([3, 3, 3, 3]);
    expect(getExecutionCalls).toBe(12);
  });

  it('publishes Athena’s Parquet as is, the rows as CSV.gz, and a summary with presigned links', async () => {
    const { run } = setup();
    const outcome = await run();
    expect(outcome.keys.parquet).toEqual([
      'reports/parquet/kind=weekly/period=2025-W02/accesslake-weekly-2025-W02.parquet',
    ]);
    expect(await storage.get(outcome.keys.parquet[0]!)).toEqual(parquet);

    const csv = readCsvGz((await storage.get(outcome.keys.csv))!);
    expect(csv.rows).toHaveLength(FIXTURE_ROWS.length);
    expect(csv.rows.map((r) => r.key)).toEqual(FIXTURE_ROWS.map((r) => r.key ?? ''));
    expect(csv.rows[0]).toMatchObject({ dimension: 'total', requests: '1000', error_rate: '0.03', key: '' });

    expect(outcome.report.sections.errorHotSpots.map((r) => r.key)).toEqual(['/broken', '/api/items']);
    expect(outcome.bytesScanned).toBe(3 * 1024 ** 3 + 2 * 4096);
    // 3 GiB at $5/TB plus the 10 MB minimum of the read-back and of the file listing.
    expect(outcome.costUsd).toBeCloseTo((3 / 1024) * 5 + 2 * (10 / 1024 ** 2) * 5, 9);

    const link = new URL(outcome.links.csv);
    expect(link.host).toBe('reports-bucket.s3.eu-west-1.amazonaws.com');
    expect(decodeURIComponent(link.pathname)).toBe(`/team/${outcome.keys.csv}`);
    expect(link.searchParams.get('X-Amz-Expires')).toBe(String(3 * 86400));
    expect(link.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const markdown = new TextDecoder().decode((await storage.get(outcome.keys.markdown))!);
    expect(markdown).toContain(outcome.links.csv);
    expect(markdown).toContain('Download links are presigned and expire in 3 days.');

    // The report table's files are deleted with the table, and nothing else was left.
    expect(await results.list('')).toEqual([]);
    expect(await storage.list('')).toEqual(
      [...outcome.keys.parquet, outcome.keys.csv, outcome.keys.markdown, outcome.keys.html].sort(),
    );
  });

  it('keeps every file when Athena splits its output', async () => {
    const { run } = setup({ files: 2 });
    const outcome = await run();
    expect(outcome.keys.parquet).toEqual([
      'reports/parquet/kind=weekly/period=2025-W02/accesslake-weekly-2025-W02.parquet',
      'reports/parquet/kind=weekly/period=2025-W02/accesslake-weekly-2025-W02-part-2.parquet',
    ]);
    expect(outcome.links.parquet).toHaveLength(2);
  });

  it('fails with Athena’s reason when the CTAS fails, drops the table and leaves nothing behind', async () => {
    const { run } = setup({ failCtas: 'HIVE_BAD_DATA: malformed input in access_logs' });
    const result = run();
    await expect(result).rejects.toThrow(QueryError);
    await expect(result).rejects.toThrow(/FAILED: HIVE_BAD_DATA: malformed input in access_logs/);
    expect(executions.map((e) => e.sql.split('\n')[0])).toEqual([
      `CREATE TABLE ${TABLE}`,
      `DROP TABLE IF EXISTS ${TABLE}`,
    ]);
    expect(await storage.list('')).toEqual([]);
  });

  it('says which cutoff to raise when Athena cancels the CTAS at the workgroup’s scan limit', async () => {
    const { run } = setup({ failCtas: 'Query cancelled! -- Bytes scanned limit was exceeded' });
    const result = run();
    await expect(result).rejects.toThrow(ReportOutputError);
    await expect(result).rejects.toThrow(/CANCELLED: .*--reports-bytes-scanned-cutoff/);
    expect(executions.at(-1)?.sql).toBe(`DROP TABLE IF EXISTS ${TABLE}`);
  });

  it('publishes to a local --out: Athena writes to its own results location, not to the output', async () => {
    const { engine } = setup();
    const local = createMemoryStorage();
    const outcome = await runReport({
      period: PERIOD,
      engine,
      output: local,
      links: createLinkMaker(local.url),
      athena: { database: 'accesslake', objects: s3ObjectsVia(async () => results) },
      runId: RUN_ID,
    });
    expect(await local.get(outcome.keys.parquet[0]!)).toEqual(parquet);
    expect(await results.list('')).toEqual([]);
  });

  it('the fake refuses what Athena refuses: a CTAS naming external_location in an enforced workgroup', async () => {
    const { engine } = setup();
    const ctas = `CREATE TABLE accesslake.t WITH (format = 'PARQUET', external_location = '${BUCKET_URL}x/') AS SELECT 1 AS a`;
    await expect(engine.query(ctas)).rejects.toThrow(ENFORCED_LOCATION_ERROR);
  });
});
