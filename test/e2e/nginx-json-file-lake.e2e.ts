/**
 * nginx with the shipped JSON format, file-storage lake, under wrk with rotations and crashes: the lake
 * must hold exactly the lines nginx logged.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { stopAllProcesses } from '../../harness/index.ts';
import { assertExactDelivery, e2eLoadSeconds, makeRunDir, removeRunDir } from './support/expect-exact.ts';
import { runFaultedLoad, type ScenarioResult } from './support/scenario.ts';

describe('nginx JSON format → agent → ingest → file lake, under load and faults', () => {
  let dir: string;
  let result: ScenarioResult | undefined;

  beforeAll(async () => {
    dir = await makeRunDir('json-file');
  });
  afterAll(async () => {
    await stopAllProcesses();
    await removeRunDir(dir, result);
  });

  it('stores every logged line exactly once through 3 rotations, 3 agent kills and 1 ingest kill', async () => {
    result = await runFaultedLoad({
      dir,
      format: 'json',
      storage: { kind: 'file' },
      loadSeconds: e2eLoadSeconds(),
      log: (line) => console.log(`[json-file] ${line}`),
    });
    assertExactDelivery(result);
  });
});
