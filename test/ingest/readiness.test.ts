/** `/healthz` is liveness; `/readyz` tells the truth about storage, and error bodies keep its details to the log. */
import { describe, expect, it } from 'vitest';
import { createIngestApp } from '../../ingest/app.ts';
import { createLogger } from '../../lib/log/index.ts';
import { createMemoryStorage, type ObjectStorage, StorageError } from '../../storage/index.ts';
import { batchRequest, gzipLines, jsonLine, TOKEN } from '../support/batches.ts';

/** Memory storage whose writes fail while `failing` is set, with the kind of message a driver gives. */
function flakyStorage() {
  const inner = createMemoryStorage();
  const state = { failing: false };
  const fail = (key: string) => {
    throw new StorageError(`PutObject s3://secret-bucket/prod/${key} failed: InternalError (HTTP 500)`);
  };
  const storage: ObjectStorage = {
    url: 's3://secret-bucket/prod/',
    put: async (key, body, options) => (state.failing ? fail(key) : inner.put(key, body, options)),
    putIfAbsent: async (key, body, options) =>
      state.failing ? fail(key) : inner.putIfAbsent(key, body, options),
    get: (key) => inner.get(key),
    list: (prefix) => inner.list(prefix),
    delete: (key) => inner.delete(key),
  };
  return { storage, state };
}

function capturingLogger() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', sink: (line) => lines.push(line) });
  return { logger, lines };
}

describe('health and readiness', () => {
  it('answers /healthz 200 without the storage URL, also while every write fails', async () => {
    const { storage, state } = flakyStorage();
    const app = createIngestApp({ tokens: [TOKEN], storage });
    state.failing = true;
    await app.request('/v1/batches', batchRequest(gzipLines([jsonLine()])));
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain('secret-bucket');
  });

  it('reports /readyz degraded with the reason after storage failures and ready after the next success', async () => {
    const { storage, state } = flakyStorage();
    const app = createIngestApp({ tokens: [TOKEN], storage });
    expect((await app.request('/readyz')).status).toBe(200);

    state.failing = true;
    expect((await app.request('/v1/batches', batchRequest(gzipLines([jsonLine()])))).status).toBe(500);
    expect((await app.request('/v1/batches', batchRequest(gzipLines([jsonLine()])))).status).toBe(500);
    const degraded = await app.request('/readyz');
    expect(degraded.status).toBe(503);
    const body = await degraded.json();
    expect(body).toMatchObject({ status: 'degraded' });
    expect(body.reason).toMatch(/storage writes are failing: 2 failed batch write\(s\) since .*Z/);
    expect(JSON.stringify(body)).not.toContain('secret-bucket');

    state.failing = false;
    expect((await app.request('/v1/batches', batchRequest(gzipLines([jsonLine()])))).status).toBe(200);
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('answers a storage failure with what the client can do and logs the storage details', async () => {
    const { storage, state } = flakyStorage();
    const { logger, lines } = capturingLogger();
    const app = createIngestApp({ tokens: [TOKEN], storage, logger });
    state.failing = true;
    const res = await app.request('/v1/batches', batchRequest(gzipLines([jsonLine()])));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/secret-bucket|PutObject|s3:\/\//);
    expect(JSON.parse(text).error).toMatch(/retry the batch later/);
    expect(lines.join('\n')).toContain('s3://secret-bucket/prod/');
  });
});
