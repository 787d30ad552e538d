/** `accesslake rejects` and `rejects replay` as real processes, over a folder lake and an S3 lake (moto_server). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, motoClientConfig, startMotoServer } from '../../harness/index.ts';
import { createIngestApp } from '../../ingest/app.ts';
import { createS3Storage } from '../../storage/drivers/s3.ts';
import { createStorage, type ObjectStorage } from '../../storage/index.ts';
import { batchRequest, gzipLines, jsonLine, TOKEN } from '../support/batches.ts';
import { readAllRecords } from '../support/lake.ts';

const BIN = new URL('../../bin/accesslake.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'accesslake-rejects-'));
let moto: MotoServer;
let client: S3Client;
beforeAll(async () => {
  moto = await startMotoServer();
  client = new S3Client({ ...motoClientConfig(moto.endpoint), forcePathStyle: true });
});
afterAll(async () => {
  client?.destroy();
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[]) {
  // As a user runs it: none of our variables, nor the test config's AWS SDK warning switch.
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('ACCESSLAKE_') && !k.startsWith('AWS_SDK_JS_')),
  );
  return spawnSync(process.execPath, [BIN, 'rejects', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    // moto accepts any credentials; the SDK needs some (docs/aws.md).
    env: {
      ...clean,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
    },
  });
}

/** Two batches of JSON lines sent as `combined`: 50 rejects, plus one line no format reads. */
async function writeRejects(storage: ObjectStorage): Promise<void> {
  const app = createIngestApp({ tokens: [TOKEN], storage });
  for (let b = 0; b < 2; b++) {
    const lines = Array.from({ length: 25 }, (_, i) => jsonLine({ path: `/b${b}/p${i}` }));
    if (b === 1) lines.push('not a log line');
    const res = await app.request(
      '/v1/batches',
      batchRequest(gzipLines(lines), {
        'X-Log-Format': 'combined',
        'Idempotency-Key': `agent-batch-${b}-0000`,
      }),
    );
    expect(res.status).toBe(200);
  }
}

async function checkReplay(lake: string, storage: ObjectStorage, extra: string[]): Promise<void> {
  const listed = cli(['--lake', lake, ...extra]);
  expect(listed.status, listed.stderr).toBe(0);
  // Not even the AWS SDK's NodeVersionSupportWarning on Node 20.
  expect(listed.stderr).toBe('');
  expect(listed.stdout).toMatch(
    /^51 rejected lines in 2 objects, by reason:\n\n {5}51 {2}format combined · source /,
  );
  expect(listed.stdout).toContain('ship them again with the right format: accesslake rejects replay');

  for (let run = 0; run < 2; run++) {
    const replay = cli(['replay', '--format', 'json', '--lake', lake, ...extra]);
    expect(replay.status, replay.stderr).toBe(0);
    expect(replay.stdout).toBe(
      run === 0
        ? 'replayed 51 lines from 2 rejects objects as json: 50 now in the lake, 1 still rejected\n'
        : 'replayed 0 lines from 0 rejects objects as json: 0 now in the lake, 0 still rejected · 1 object skipped (another source, or already rejected as json)\n',
    );
    expect((await readAllRecords(storage)).length).toBe(50);
  }
  const left = cli(['--lake', lake, ...extra]);
  expect(left.stdout).toMatch(/^1 rejected line in 1 object, by reason:\n\n {6}1 {2}format json · /);
  expect(left.stdout).toContain('e.g. not a log line');
}

describe('accesslake rejects (real processes)', () => {
  it('lists and replays the rejects of a folder lake, exactly once', async () => {
    const lake = join(dir, 'lake');
    const storage = await createStorage(lake);
    await writeRejects(storage);
    await checkReplay(lake, storage, []);
  });

  it('lists and replays the rejects of an S3 lake, exactly once', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'rejects-lake' }));
    const storage = createS3Storage({ bucket: 'rejects-lake', prefix: 'prod', client });
    await writeRejects(storage);
    await checkReplay('s3://rejects-lake/prod', storage, ['--s3-endpoint', moto.endpoint]);
  });

  it('says what replay needs', () => {
    const result = cli(['replay', '--lake', join(dir, 'lake')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'accesslake rejects: replay needs --format F: the format the rejected lines are really in\n',
    );
  });
});
