/**
 * The Athena report against a real moto_server: Athena's API (StartQueryExecution, polling,
 * GetQueryResults with results seeded through moto's API, since moto runs no SQL) and S3 for staging,
 * the published report and the presigned links, which are fetched over HTTP like a mail reader would.
 * moto writes no CTAS output, so the test plays that part of Athena by placing the Parquet file where an
 * enforced workgroup writes it (`<results>/tables/<query-id>/`) and seeding the `"$path"` listing.
 */
import { gunzipSync } from 'node:zlib';
import { AthenaClient, GetQueryExecutionCommand, ListQueryExecutionsCommand } from '@aws-sdk/client-athena';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  MOTO_CREDENTIALS,
  MOTO_REGION,
  type MotoServer,
  motoClientConfig,
  startMotoServer,
} from '../../harness/index.ts';
import { createAthenaEngine } from '../../query/index.ts';
import { s3ObjectsVia } from '../../reports/engines/s3-objects.ts';
import { createReportHandler } from '../../reports/lambda-handler.ts';
import { createLinkMaker } from '../../reports/output/links.ts';
import { resolvePeriod } from '../../reports/period/resolve-period.ts';
import { runReport } from '../../reports/run-report.ts';
import { createStorage, type ObjectStorage } from '../../storage/index.ts';
import { athenaRows, COLUMN_INFO, FIXTURE_ROWS, fixtureParquet } from './helpers/athena-fixture.ts';
import { parseCsv } from './helpers/files.ts';

const BUCKET = 'accesslake-reports';
const RUN_ID = 'rmoto0001';

let moto: MotoServer;
let s3: S3Client;
let athena: AthenaClient;
let storage: ObjectStorage;
let parquet: Uint8Array;

beforeAll(async () => {
  moto = await startMotoServer();
  s3 = new S3Client({ ...motoClientConfig(moto.endpoint), forcePathStyle: true });
  athena = new AthenaClient(motoClientConfig(moto.endpoint));
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  storage = await createStorage(`s3://${BUCKET}/acme`, { s3: { client: s3 } });
  parquet = await fixtureParquet();
});

afterAll(async () => {
  s3?.destroy();
  athena?.destroy();
  await moto?.stop();
});

describe('Athena report (moto_server)', () => {
  it('runs the queries on Athena, publishes to S3, and its presigned links download the files', async () => {
    const file = `s3://${BUCKET}/acme/athena-results/reports/tables/q-moto-1/20250115_090000_00000_moto1`;
    // moto hands out seeded results in order of StartQueryExecution: CTAS, read-back, file listing.
    const seeded = await fetch(`${moto.endpoint}/moto-api/static/athena/query-results`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        region: MOTO_REGION,
        results: [
          { rows: [], column_info: [] },
          { rows: athenaRows(), column_info: COLUMN_INFO },
          {
            rows: [{ Data: [{ VarCharValue: 'file' }] }, { Data: [{ VarCharValue: file }] }],
            column_info: [{ Name: 'file', Type: 'varchar' }],
          },
        ],
      }),
    });
    expect(seeded.status).toBe(201);
    await storage.put('athena-results/reports/tables/q-moto-1/20250115_090000_00000_moto1', parquet);

    const engine = createAthenaEngine({ workgroup: 'primary', client: athena, pollIntervalMs: 10 });
    const outcome = await runReport({
      period: resolvePeriod({ period: 'weekly', now: new Date('2025-01-15T09:00:00Z') }),
      engine,
      output: storage,
      links: createLinkMaker(storage.url, { client: () => s3 }),
      athena: {
        database: 'accesslake',
        objects: s3ObjectsVia((root) => createStorage(root, { s3: { client: s3 } })),
      },
      runId: RUN_ID,
    });

    // What Athena was asked, in order.
    const ids =
      (await athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'primary' }))).QueryExecutionIds ?? [];
    // moto has no BatchGetQueryExecution; one GetQueryExecution each.
    const executed = await Promise.all(
      ids.map(
        async (id) =>
          (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution!,
      ),
    );
    expect(executed).toHaveLength(4);
    const firstLines = executed.map((e) => e.Query?.split('\n')[0]);
    expect(firstLines).toEqual(
      expect.arrayContaining([
        `CREATE TABLE accesslake.accesslake_report_${RUN_ID}`,
        `DROP TABLE IF EXISTS accesslake.accesslake_report_${RUN_ID}`,
      ]),
    );
    expect(
      firstLines.some((line) => line?.startsWith(`SELECT * FROM accesslake.accesslake_report_${RUN_ID}`)),
    ).toBe(true);
    const ctas = executed.find((e) => e.Query?.startsWith('CREATE TABLE'))?.Query ?? '';
    expect(ctas).not.toContain('external_location');

    // Published under the bucket prefix; the report table's file deleted.
    expect(await storage.list('athena-results/')).toEqual([]);
    expect(await storage.list('reports/')).toEqual(
      [...outcome.keys.parquet, outcome.keys.csv, outcome.keys.markdown, outcome.keys.html].sort(),
    );
    expect(outcome.report.sections.total.requests).toBe(1000);

    // The links in the summary work for someone with no AWS credentials.
    const parquetLink = await fetch(outcome.links.parquet[0]!);
    expect(parquetLink.status).toBe(200);
    expect(new Uint8Array(await parquetLink.arrayBuffer())).toEqual(parquet);
    const csvLink = await fetch(outcome.links.csv);
    expect(csvLink.status).toBe(200);
    const [header, ...rows] = parseCsv(
      gunzipSync(new Uint8Array(await csvLink.arrayBuffer())).toString('utf8'),
    );
    expect(header).toEqual(COLUMN_INFO.map((c) => c.Name));
    expect(rows.map((r) => r[header!.indexOf('key')])).toEqual(FIXTURE_ROWS.map((r) => r.key ?? ''));
    expect(rows.some((r) => r.includes('bot "quoted", with commas'))).toBe(true);
  });

  it('Lambda: checks its settings at cold start and reports the period before the event time', async () => {
    expect(() => createReportHandler({ REPORT_PERIOD: 'weekly' })).toThrow(
      /with --engine athena, say where reports go: --out s3:\/\/bucket\/prefix \(or set REPORT_OUT/,
    );
    expect(() => createReportHandler({ REPORT_OUT: `s3://${BUCKET}/lambda`, REPORT_EMAIL: 'true' })).toThrow(
      /--email needs the SMTP settings: SMTP_HOST is not set/,
    );

    vi.stubEnv('AWS_ACCESS_KEY_ID', MOTO_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', MOTO_CREDENTIALS.secretAccessKey);
    try {
      const handler = createReportHandler({
        REPORT_PERIOD: 'monthly',
        REPORT_OUT: `s3://${BUCKET}/lambda`,
        ACCESSLAKE_ATHENA_WORKGROUP: 'primary',
        ACCESSLAKE_ATHENA_ENDPOINT: moto.endpoint,
        ACCESSLAKE_S3_ENDPOINT: moto.endpoint,
        AWS_REGION: MOTO_REGION,
      });
      // moto's CTAS writes no file (its "$path" listing is empty), so this run must fail the way a
      // real empty CTAS output would: clearly, with the table dropped and nothing left in the bucket.
      await expect(handler({ time: '2025-02-03T06:00:00Z' })).rejects.toThrow(
        /Athena reported success but the report table accesslake\.accesslake_report_\w+ has no file/,
      );
    } finally {
      vi.unstubAllEnvs();
    }
    const ids =
      (await athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'primary' }))).QueryExecutionIds ?? [];
    const queries = await Promise.all(
      ids.map(
        async (id) =>
          (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution!.Query!,
      ),
    );
    const ctas = queries.find((q) => q.startsWith('CREATE TABLE') && q.includes("'monthly' AS period_kind"));
    expect(ctas).not.toContain('external_location');
    // The previous full month before 2025-02-03 is January.
    expect(ctas).toContain("BETWEEN '2025010100' AND '2025013123'");
    expect(ctas).toContain("'monthly' AS period_kind");
    const table = /^CREATE TABLE (\S+)/.exec(ctas ?? '')?.[1];
    expect(queries).toContain(`DROP TABLE IF EXISTS ${table}`);
    const lambdaStorage = await createStorage(`s3://${BUCKET}/lambda`, { s3: { client: s3 } });
    expect(await lambdaStorage.list('')).toEqual([]);
  });
});
