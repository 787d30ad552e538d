/** What the ingest logs: a refused token at warn (never the token), each stored batch at debug, the first reject's reason in the answer. */
import { describe, expect, it } from 'vitest';
import { createIngestApp } from '../../ingest/app.ts';
import { createLogger, type LogLevel } from '../../lib/log/index.ts';
import { createMemoryStorage } from '../../storage/index.ts';
import { batchRequest, gzipLines, jsonLine, TOKEN } from '../support/batches.ts';

function setup(level: LogLevel) {
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level, sink: (line) => logs.push(JSON.parse(line)) });
  const app = createIngestApp({ tokens: [TOKEN], storage: createMemoryStorage(), logger });
  return { app, logs };
}

describe('ingest logging', () => {
  it('logs a refused token as a warning, without the token', async () => {
    const { app, logs } = setup('info');
    const res = await app.request(
      '/v1/batches',
      batchRequest(gzipLines([jsonLine()]), { Authorization: 'Bearer wrong-token-99' }),
    );
    expect(res.status).toBe(403);
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: 'request refused: bad or missing token',
        status: 403,
      }),
    ]);
    expect(JSON.stringify(logs)).not.toContain('wrong-token-99');
  });

  it('logs each stored batch at debug only', async () => {
    const quiet = setup('info');
    const loud = setup('debug');
    for (const { app } of [quiet, loud])
      expect((await app.request('/v1/batches', batchRequest(gzipLines([jsonLine()])))).status).toBe(200);
    expect(quiet.logs).toEqual([]);
    expect(loud.logs).toEqual([
      expect.objectContaining({
        level: 'debug',
        message: 'batch stored',
        accepted: 1,
        rejected: 0,
        format: 'json',
      }),
    ]);
  });

  it('answers with the first rejected line’s reason', async () => {
    const { app } = setup('info');
    const res = await app.request('/v1/batches', batchRequest(gzipLines([jsonLine(), 'not json'])));
    expect(await res.json()).toMatchObject({
      accepted: 1,
      rejected: 1,
      firstRejectReason: expect.stringMatching(/^json: expected one JSON object per line/),
    });
  });
});
