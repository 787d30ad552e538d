/**
 * The Athena engine and `accesslake query --engine athena` against moto_server: moto runs no SQL, so
 * results are seeded (POST /moto-api/static/athena/query-results) and the execution is held QUEUED and
 * RUNNING for a few polls by its state manager, to exercise the polling for real.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.ts';
import {
  MOTO_CREDENTIALS,
  MOTO_REGION,
  type MotoServer,
  motoClientConfig,
  startMotoServer,
} from '../../harness/index.ts';
import { provision, resolveProvisionOptions } from '../../provision/index.ts';
import { createAthenaEngine, renderNamedQuery } from '../../query/index.ts';

let moto: MotoServer;
let athena: AthenaClient;

const COLUMNS = [
  { Name: 'path', Label: 'path', Type: 'varchar' },
  { Name: 'requests', Label: 'requests', Type: 'bigint' },
  { Name: 'p95', Label: 'p95', Type: 'double' },
];
const row = (...values: (string | null)[]) => ({
  Data: values.map((v) => (v === null ? {} : { VarCharValue: v })),
});

async function seed(rows: ReturnType<typeof row>[]) {
  const res = await fetch(`${moto.endpoint}/moto-api/static/athena/query-results`, {
    method: 'POST',
    body: JSON.stringify({ region: MOTO_REGION, results: [{ rows, column_info: COLUMNS }] }),
  });
  expect(res.ok).toBe(true);
}

beforeAll(async () => {
  moto = await startMotoServer();
  const common = motoClientConfig(moto.endpoint);
  athena = new AthenaClient(common);
  const glue = new GlueClient(common);
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  // The workgroup the engine runs in, made the way users make it.
  await provision(
    resolveProvisionOptions(
      { storage: 's3://lake-bucket/lake', 'create-bucket': true, table: 'projection' },
      {},
    ),
    { athena, glue, s3 },
  );
  glue.destroy();
  s3.destroy();
  // Each execution answers QUEUED, RUNNING, SUCCEEDED, one step per two polls.
  await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({
      model_name: 'athena::execution',
      transition: { progression: 'manual', times: 2 },
    }),
  });
});
afterAll(async () => {
  athena?.destroy();
  await moto?.stop();
});

describe('the Athena engine on moto_server', () => {
  it('polls a named query to completion and returns typed rows without the header row', async () => {
    await seed([row('path', 'requests', 'p95'), row('/api/items', '239', '2.08'), row('/', '12', null)]);
    const waits: number[] = [];
    const engine = createAthenaEngine({
      workgroup: 'accesslake',
      client: athena,
      sleep: async (ms) => void waits.push(ms),
    });
    const sql = await renderNamedQuery('top-paths', {
      from: new Date('2025-01-10T13:00:00Z'),
      to: new Date('2025-01-10T15:00:00Z'),
    });
    const result = await engine.query(sql);
    expect(waits.length).toBeGreaterThanOrEqual(2); // it waited while moto said QUEUED/RUNNING
    expect(waits).toEqual([...waits].sort((a, b) => a - b)); // and backed off, never sped up
    expect(result.rows).toEqual([
      { path: '/api/items', requests: 239, p95: 2.08 },
      { path: '/', requests: 12, p95: null },
    ]);
    expect(result.columns.map((c) => c.type)).toEqual(['varchar', 'bigint', 'double']);
    expect(result).toMatchObject({ bytesScanned: 0, costUsd: 0, queryExecutionId: expect.any(String) });
  });

  it('says plainly when the workgroup does not exist', async () => {
    const engine = createAthenaEngine({
      workgroup: 'no-such-workgroup',
      client: athena,
      sleep: async () => {},
    });
    await expect(engine.query('SELECT 1')).rejects.toThrow(
      /^athena:StartQueryExecution on workgroup\/no-such-workgroup failed with InvalidRequestException/,
    );
  });
});

describe('accesslake query --engine athena on moto_server', () => {
  it('prints JSON rows on stdout and the scan and its cost on stderr', async () => {
    await seed([row('path', 'requests', 'p95'), row('/login', '7', '0.5')]);
    vi.stubEnv('AWS_ACCESS_KEY_ID', MOTO_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', MOTO_CREDENTIALS.secretAccessKey);
    let stdout = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    const errors: string[] = [];
    const error = vi
      .spyOn(console, 'error')
      .mockImplementation((line: unknown) => void errors.push(String(line)));
    try {
      const code = await main(
        [
          'query',
          '--engine',
          'athena',
          '--endpoint',
          moto.endpoint,
          '--output',
          'json',
          '--named',
          'top-paths',
        ],
        { AWS_REGION: MOTO_REGION },
      );
      expect(code).toBe(0);
    } finally {
      write.mockRestore();
      error.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(JSON.parse(stdout)).toEqual([{ path: '/login', requests: 7, p95: 0.5 }]);
    expect(errors.join('\n')).toMatch(/^scanned 0 B, cost \$0\.000000 at \$5\/TB \(query [\w-]+\)$/);
  });
});
