/**
 * nginx with the classic `main` text format, S3 lake in a real moto_server, under wrk with rotations and
 * crashes: the lake must hold exactly the lines nginx logged.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type MotoServer, startMotoServer, stopAllProcesses } from '../../harness/index.ts';
import { assertExactDelivery, e2eLoadSeconds, makeRunDir, removeRunDir } from './support/expect-exact.ts';
import { runFaultedLoad, type ScenarioResult } from './support/scenario.ts';

describe('nginx main format → agent → ingest → S3 (moto), under load and faults', () => {
  let dir: string;
  let moto: MotoServer | undefined;
  let result: ScenarioResult | undefined;

  beforeAll(async () => {
    dir = await makeRunDir('main-s3');
    moto = await startMotoServer();
  });
  afterAll(async () => {
    await stopAllProcesses();
    await moto?.stop();
    await removeRunDir(dir, result);
  });

  it('stores every logged line exactly once through 3 rotations, 3 agent kills and 1 ingest kill', async () => {
    result = await runFaultedLoad({
      dir,
      format: 'main',
      storage: { kind: 's3', moto: moto!, bucket: 'accesslake-e2e' },
      loadSeconds: e2eLoadSeconds(),
      log: (line) => console.log(`[main-s3] ${line}`),
    });
    assertExactDelivery(result);
  });
});
