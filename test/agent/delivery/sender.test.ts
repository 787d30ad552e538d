import { createServer } from 'node:net';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../lib/log/index.ts';
import {
  createSender,
  parseRetryAfter,
  RetriesStopped,
  RetryLater,
  type SenderOptions,
} from '../../../shipper-agent/delivery/sender.ts';
import {
  AuthRejectedError,
  BatchConflictError,
  BatchTooLargeError,
  IngestRejectedError,
  isFatal,
} from '../../../shipper-agent/errors.ts';

const ENDPOINT = 'http://ingest.test';
const batch = {
  batchId: 'batch-key-00000001',
  format: 'combined',
  body: new Uint8Array([0x1f, 0x8b, 1, 2]),
  lines: 3,
  rawBytes: 300,
};
const ok = () => HttpResponse.json({ batchId: batch.batchId, accepted: 3, rejected: 0, objects: ['k'] });

const server = setupServer(http.post(`${ENDPOINT}/v1/batches`, ok));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function sender(overrides: Partial<SenderOptions> = {}) {
  return createSender({
    endpoint: ENDPOINT,
    token: 'secret-token',
    format: 'json',
    source: 'web-1',
    requestTimeoutMs: 5000,
    retryBaseMs: 10,
    retryMaxMs: 40,
    logger: silentLogger,
    ...overrides,
  });
}

describe('sender', () => {
  it('POSTs the gzip body with the wire protocol headers', async () => {
    let seen: Request | undefined;
    server.use(
      http.post(`${ENDPOINT}/v1/batches`, ({ request }) => {
        seen = request.clone();
        return ok();
      }),
    );
    const answer = await sender().send(batch, new AbortController().signal);
    expect(answer).toEqual({ batchId: batch.batchId, accepted: 3, rejected: 0, objects: ['k'] });
    expect(seen!.headers.get('authorization')).toBe('Bearer secret-token');
    expect(seen!.headers.get('content-encoding')).toBe('gzip');
    // A binary type: API Gateway HTTP APIs / Lambda Function URLs mangle a text/* gzip body.
    expect(seen!.headers.get('content-type')).toBe('application/octet-stream');
    expect(seen!.headers.get('idempotency-key')).toBe(batch.batchId);
    expect(seen!.headers.get('x-log-format')).toBe('combined');
    expect(seen!.headers.get('x-source')).toBe('web-1');
    expect(new Uint8Array(await seen!.arrayBuffer())).toEqual(batch.body);
  });

  it('retries 503 and 500 with the same key, waiting at least what Retry-After asks', async () => {
    const keys: string[] = [];
    const answers = [
      () => HttpResponse.json({ error: 'busy' }, { status: 503, headers: { 'Retry-After': '1' } }),
      () => HttpResponse.json({ error: 'storage write failed' }, { status: 500 }),
      ok,
    ];
    server.use(
      http.post(`${ENDPOINT}/v1/batches`, ({ request }) => {
        keys.push(request.headers.get('idempotency-key')!);
        return answers.shift()!();
      }),
    );
    const retries: Array<{ delayMs: number; reason: string }> = [];
    await sender({ onRetry: (r) => retries.push(r) }).send(batch, new AbortController().signal);
    expect(keys).toEqual([batch.batchId, batch.batchId, batch.batchId]);
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1000);
    expect(retries[0]!.reason).toContain('503: busy');
    expect(retries[1]!.delayMs).toBeLessThanOrEqual(40);
    expect(retries[1]!.reason).toContain('500: storage write failed');
  });

  it('stops at once on 401 with a message about the token, without retrying', async () => {
    let calls = 0;
    server.use(
      http.post(`${ENDPOINT}/v1/batches`, () => {
        calls++;
        return HttpResponse.json({ error: 'invalid token' }, { status: 401 });
      }),
    );
    const error = await sender()
      .send(batch, new AbortController().signal)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthRejectedError);
    expect((error as Error).message).toMatch(/rejected the token \(401: invalid token\).*ACCESSLAKE_TOKEN/);
    expect(calls).toBe(1);
  });

  it('turns 413 into BatchTooLargeError for the loop to split', async () => {
    server.use(
      http.post(`${ENDPOINT}/v1/batches`, () => HttpResponse.json({ error: 'too large' }, { status: 413 })),
    );
    await expect(sender().send(batch, new AbortController().signal)).rejects.toBeInstanceOf(
      BatchTooLargeError,
    );
  });

  it('with an attempt budget, gives the batch back after it (RetryLater) with the delay to wait', async () => {
    let calls = 0;
    server.use(
      http.post(`${ENDPOINT}/v1/batches`, () => {
        calls++;
        return HttpResponse.json({ error: 'busy' }, { status: 503, headers: { 'Retry-After': '2' } });
      }),
    );
    const retries: Array<{ attempt: number }> = [];
    const error = await sender({ onRetry: (r) => retries.push(r) })
      .send(batch, new AbortController().signal, undefined, { firstAttempt: 4, maxAttempts: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLater);
    expect(error).toMatchObject({ attempts: 4, reason: 'ingest answered 503: busy' });
    expect((error as RetryLater).delayMs).toBeGreaterThanOrEqual(2000);
    expect(calls).toBe(1);
    expect(retries).toEqual([expect.objectContaining({ attempt: 4 })]);
  });

  it('turns 409 (same key, other bytes) into BatchConflictError, not a fatal rejection', async () => {
    server.use(
      http.post(`${ENDPOINT}/v1/batches`, () =>
        HttpResponse.json({ error: 'batch key stored with other content' }, { status: 409 }),
      ),
    );
    const error = await sender()
      .send(batch, new AbortController().signal)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchConflictError);
    expect((error as Error).message).toMatch(
      /other bytes under batch key batch-key-00000001 \(409: batch key stored/,
    );
    expect(isFatal(error)).toBe(false);
  });

  it('names the cause of 400, 415 and 404', async () => {
    const cases: Array<[number, RegExp]> = [
      [400, /malformed \(400: bad X-Source\)/],
      [415, /format or encoding \(415: bad X-Source\)/],
      [404, /no accesslake ingest at http:\/\/ingest\.test/],
    ];
    for (const [status, message] of cases) {
      server.use(
        http.post(`${ENDPOINT}/v1/batches`, () => HttpResponse.json({ error: 'bad X-Source' }, { status })),
      );
      const error = await sender()
        .send(batch, new AbortController().signal)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IngestRejectedError);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('sums up an HTML error page from a wrong endpoint as its status and title', async () => {
    const page = `<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx/1.26.3</center>${' '.repeat(2000)}</body></html>`;
    server.use(http.post(`${ENDPOINT}/v1/batches`, () => HttpResponse.html(page, { status: 404 })));
    const error = (await sender()
      .send(batch, new AbortController().signal)
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      'no accesslake ingest at http://ingest.test (POST /v1/batches answered 404: an HTML page titled "404 Not Found"): --endpoint must be the ingest\'s base URL, e.g. http://127.0.0.1:8080',
    );
    server.use(
      http.post(`${ENDPOINT}/v1/batches`, () =>
        HttpResponse.html('<html><body><h1>Welcome to nginx!</h1></body></html>'),
      ),
    );
    await expect(sender().send(batch, new AbortController().signal)).rejects.toThrow(
      'http://ingest.test answered 200 but not like an accesslake ingest (an HTML page titled "Welcome to nginx!"): check --endpoint',
    );
  });

  it('does not take a 200 that is not ingest answering for this batch', async () => {
    server.use(http.post(`${ENDPOINT}/v1/batches`, () => HttpResponse.text('<html>proxy</html>')));
    await expect(sender().send(batch, new AbortController().signal)).rejects.toThrow(
      /not like an accesslake ingest/,
    );
  });

  it('retries an unreachable endpoint with a readable reason until aborted', async () => {
    server.close();
    try {
      const port = await new Promise<number>((resolve) => {
        const s = createServer().listen(0, '127.0.0.1', () => {
          const p = (s.address() as { port: number }).port;
          s.close(() => resolve(p));
        });
      });
      const reasons: string[] = [];
      const abort = new AbortController();
      const s = sender({
        endpoint: `http://127.0.0.1:${port}`,
        onRetry: (r) => {
          reasons.push(r.reason);
          if (reasons.length === 3) abort.abort(new Error('test over'));
        },
      });
      await expect(s.send(batch, abort.signal)).rejects.toThrow('test over');
      expect(reasons).toHaveLength(3);
      expect(reasons[0]).toMatch(/connection refused: is the ingest running/);
      expect(await s.checkAccess()).toMatch(/connection refused/);
    } finally {
      server.listen({ onUnhandledRequest: 'error' });
    }
  });

  it('does not retry once the agent is stopping: the batch stays pending for the next start', async () => {
    server.use(
      http.post(`${ENDPOINT}/v1/batches`, () => HttpResponse.json({ error: 'busy' }, { status: 503 })),
    );
    const noRetry = new AbortController();
    const sending = sender({ retryBaseMs: 60_000, retryMaxMs: 60_000, onRetry: () => noRetry.abort() }).send(
      batch,
      new AbortController().signal,
      noRetry.signal,
    );
    await expect(sending).rejects.toBeInstanceOf(RetriesStopped);
  });

  it('checks the token at start-up with an empty batch', async () => {
    server.use(
      http.post(`${ENDPOINT}/v1/batches`, () => HttpResponse.json({ error: 'nope' }, { status: 403 })),
    );
    await expect(sender().checkAccess()).rejects.toBeInstanceOf(AuthRejectedError);
    server.use(http.post(`${ENDPOINT}/v1/batches`, () => HttpResponse.json({ batchId: 'x', accepted: 0 })));
    expect(await sender().checkAccess()).toBeUndefined();
  });

  it('reads Retry-After as seconds or an HTTP date, capped', () => {
    const now = Date.parse('2025-01-10T14:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Fri, 10 Jan 2025 14:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('86400', now)).toBe(300_000);
    expect(parseRetryAfter('soon', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBe(0);
  });
});
