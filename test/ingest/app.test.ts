import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createIngestApp, type IngestOptions } from '../../ingest/app.ts';
import { createMemoryStorage } from '../../storage/index.ts';
import { batchRequest, gzipLines, jsonLine, TOKEN } from '../support/batches.ts';
import { readAllRecords, readJsonLines } from '../support/lake.ts';

function setup(options: Partial<IngestOptions> = {}) {
  const storage = createMemoryStorage();
  const app = createIngestApp({ tokens: [TOKEN, 'rotated-token-02'], storage, ...options });
  return { app, storage };
}

describe('POST /v1/batches: auth', () => {
  it('answers 401 without an Authorization header', async () => {
    const { app } = setup();
    const init = batchRequest(gzipLines([jsonLine()]));
    delete init.headers.Authorization;
    const res = await app.request('/v1/batches', init);
    expect(res.status).toBe(401);
    expect((await res.json()).error).toMatch(/missing Authorization header/);
  });

  it('answers 401 for a header that is not a bearer token', async () => {
    const { app } = setup();
    const res = await app.request(
      '/v1/batches',
      batchRequest(gzipLines([jsonLine()]), { Authorization: 'Basic Zm9v' }),
    );
    expect(res.status).toBe(401);
  });

  it('answers 403 for a wrong token and stores nothing', async () => {
    const { app, storage } = setup();
    const res = await app.request(
      '/v1/batches',
      batchRequest(gzipLines([jsonLine()]), { Authorization: 'Bearer wrong-token-99' }),
    );
    expect(res.status).toBe(403);
    expect(storage.objects.size).toBe(0);
  });

  it('accepts every configured token, so tokens can be rotated', async () => {
    const { app } = setup();
    const res = await app.request(
      '/v1/batches',
      batchRequest(gzipLines([jsonLine()]), { Authorization: 'Bearer rotated-token-02' }),
    );
    expect(res.status).toBe(200);
  });
});

describe('methods', () => {
  it('answers 405 with Allow for a known path asked with another method, 404 for an unknown path', async () => {
    const { app, storage } = setup();
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await app.request('/v1/batches', { method });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('Allow')).toBe('POST');
      expect((await res.json()).error).toBe(`${method} is not answered on /v1/batches: use POST`);
    }
    const post = await app.request('/healthz', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('Allow')).toBe('GET, HEAD');
    expect((await app.request('/healthz', { method: 'HEAD' })).status).toBe(200);
    const unknown = await app.request('/v1/batch', { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toBe('no route for POST /v1/batch');
    expect(storage.objects.size).toBe(0);
  });
});

describe('POST /v1/batches: body', () => {
  it('rejects Content-Encoding gzip without the 1f 8b magic with 400', async () => {
    const { app } = setup();
    const res = await app.request('/v1/batches', batchRequest(`${jsonLine()}\n`));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/does not start with 1f 8b/);
  });

  it('rejects a truncated gzip stream with 400', async () => {
    const { app } = setup();
    const whole = gzipLines([jsonLine(), jsonLine({ path: '/b' })]);
    const res = await app.request('/v1/batches', batchRequest(whole.subarray(0, whole.length - 6)));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/not valid gzip/);
  });

  it('treats a body with the gzip magic as gzip even without the header', async () => {
    const { app } = setup();
    const init = batchRequest(gzipLines([jsonLine()]));
    delete init.headers['Content-Encoding'];
    const res = await app.request('/v1/batches', init);
    expect(res.status).toBe(200);
    expect((await res.json()).accepted).toBe(1);
  });

  it('answers 415 for an unknown Content-Encoding', async () => {
    const { app } = setup();
    const res = await app.request('/v1/batches', batchRequest('x', { 'Content-Encoding': 'br' }));
    expect(res.status).toBe(415);
  });

  it('reads Content-Encoding identity as no encoding (RFC 9110 §12.5.3), as docs/wire-protocol.md says', async () => {
    const { app } = setup();
    const res = await app.request(
      '/v1/batches',
      batchRequest(`${jsonLine()}\n`, { 'Content-Encoding': 'identity' }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: 0 });
  });

  it.each([['web 1'], ['web\t1'], ['wéb'], ['x'.repeat(129)]])(
    'answers 400 naming the alphabet for X-Source %j',
    async (source) => {
      const { app } = setup();
      const res = await app.request('/v1/batches', batchRequest(`${jsonLine()}\n`, { 'X-Source': source }));
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatch(/X-Source must be 1–128 characters from "!" to "~"/);
    },
  );

  it('answers 413 when the compressed body passes the cap', async () => {
    const { app } = setup({ limits: { maxBodyBytes: 1024 } });
    const noisy = Array.from({ length: 200 }, (_, i) => jsonLine({ path: `/${crypto.randomUUID()}-${i}` }));
    const res = await app.request('/v1/batches', batchRequest(gzipLines(noisy)));
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatch(/request body exceeds the limit of 1024 bytes/);
  });

  it('answers 413 for a gzip bomb without inflating it whole', async () => {
    const { app, storage } = setup({ limits: { maxDecompressedBytes: 1024 * 1024 } });
    // 64 MiB of zeros compresses to ~64 KiB: small on the wire, large in memory.
    const bomb = new Uint8Array(gzipSync(Buffer.alloc(64 * 1024 * 1024)));
    expect(bomb.length).toBeLessThan(128 * 1024);
    const res = await app.request('/v1/batches', batchRequest(bomb));
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatch(/decompressed body exceeds the limit of 1048576 bytes/);
    expect(storage.objects.size).toBe(0);
  });

  it('answers 415 for an unknown X-Log-Format', async () => {
    const { app } = setup();
    const res = await app.request(
      '/v1/batches',
      batchRequest(gzipLines([jsonLine()]), { 'X-Log-Format': 'syslog-ish' }),
    );
    expect(res.status).toBe(415);
    expect((await res.json()).error).toMatch(/unsupported log format "syslog-ish"/);
  });

  it('answers 400 for an Idempotency-Key that cannot be a storage key', async () => {
    const { app } = setup();
    const res = await app.request(
      '/v1/batches',
      batchRequest(gzipLines([jsonLine()]), { 'Idempotency-Key': '../../etc/passwd' }),
    );
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/Idempotency-Key/);
  });
});

describe('POST /v1/batches: records and layout', () => {
  it('writes one gzipped JSONL object per UTC event hour under the lake layout', async () => {
    const { app, storage } = setup();
    const lines = [
      jsonLine({ ts: '2025-01-10T14:59:59+00:00', path: '/a' }),
      // 15:30 in +01:00 is 14:30 UTC: same partition as the first line.
      jsonLine({ ts: '2025-01-10T15:30:00+01:00', path: '/b' }),
      jsonLine({ ts: '2025-01-10T15:00:00+00:00', path: '/c' }),
    ];
    const res = await app.request(
      '/v1/batches',
      batchRequest(gzipLines(lines), { 'Idempotency-Key': 'batch-hours-1' }),
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      batchId: 'batch-hours-1',
      accepted: 3,
      rejected: 0,
      objects: [
        'access_logs/year=2025/month=01/day=10/hour=14/access_20250110T145959Z_web-1_batch-hours-1-0.jsonl.gz',
        'access_logs/year=2025/month=01/day=10/hour=15/access_20250110T150000Z_web-1_batch-hours-1-1.jsonl.gz',
      ],
    });
    const first = await readJsonLines(storage, body.objects[0]);
    expect(first.map((r) => [r.ts, r.path])).toEqual([
      ['2025-01-10T14:59:59.000Z', '/a'],
      ['2025-01-10T14:30:00.000Z', '/b'],
    ]);
    expect(first[0]).toMatchObject({
      source: 'web-1',
      referer: null,
      status: 200,
      bytes_sent: 512,
      method: 'GET',
    });
  });

  it('answers a repeated batch with the same answer and no new data', async () => {
    const { app, storage } = setup();
    const body = gzipLines([jsonLine({ path: '/x' }), jsonLine({ path: '/y' }), 'garbage']);
    const first = await (await app.request('/v1/batches', batchRequest(body))).json();
    const keysAfterFirst = [...storage.objects.keys()].sort();
    const second = await (await app.request('/v1/batches', batchRequest(body))).json();
    expect(second).toEqual(first);
    expect([...storage.objects.keys()].sort()).toEqual(keysAfterFirst);
    expect(await readAllRecords(storage)).toHaveLength(2);
  });

  it('keeps every rejected line in the rejects prefix with its reason and line number', async () => {
    const { app, storage } = setup();
    const lines = [
      jsonLine(),
      jsonLine({ status: 1000 }),
      '{"ts":"yesterday"}',
      '',
      jsonLine({ remote_addr: 'not-an-ip' }),
    ];
    const res = await app.request(
      '/v1/batches',
      batchRequest(gzipLines(lines), { 'Idempotency-Key': 'batch-rejects-1' }),
    );
    const body = await res.json();
    expect(body).toMatchObject({ accepted: 1, rejected: 4 });
    expect(body.objects).toContain('rejects/rejects_web-1_batch-rejects-1.jsonl.gz');
    const rejects = await readJsonLines(storage, 'rejects/rejects_web-1_batch-rejects-1.jsonl.gz');
    expect(rejects.map((r) => [r.line_no, r.reason])).toEqual([
      [2, 'status: expected an integer 0–999, got 1000'],
      [3, 'ts: expected ISO-8601 time like 2025-01-10T14:31:02+00:00, got "yesterday"'],
      [4, 'empty line'],
      [5, 'remote_addr: not an IPv4/IPv6 address: "not-an-ip"'],
    ]);
    expect(rejects[0]).toMatchObject({
      batch_id: 'batch-rejects-1',
      source: 'web-1',
      format: 'json',
      line: lines[1],
    });
  });

  it('derives a deterministic batch id from the body when no Idempotency-Key is sent', async () => {
    const { app } = setup();
    const body = gzipLines([jsonLine()]);
    const init = () => {
      const request = batchRequest(body);
      delete request.headers['Idempotency-Key'];
      return request;
    };
    const a = await (await app.request('/v1/batches', init())).json();
    const b = await (await app.request('/v1/batches', init())).json();
    expect(a.batchId).toMatch(/^[0-9a-f]{32}$/);
    expect(b.batchId).toBe(a.batchId);
  });
});

describe('overload, health and metrics', () => {
  it('answers 503 with Retry-After when too many batches are in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const storage = createMemoryStorage();
    const slowStorage = {
      ...storage,
      put: async (key: string, bytes: Uint8Array) => gate.then(() => storage.put(key, bytes)),
    };
    const app = createIngestApp({ tokens: [TOKEN], storage: slowStorage, maxConcurrentBatches: 1 });
    const first = app.request(
      '/v1/batches',
      batchRequest(gzipLines([jsonLine()]), { 'Idempotency-Key': 'batch-slow-1' }),
    );
    await new Promise((r) => setTimeout(r, 50));
    const second = await app.request(
      '/v1/batches',
      batchRequest(gzipLines([jsonLine()]), { 'Idempotency-Key': 'batch-slow-2' }),
    );
    expect(second.status).toBe(503);
    expect(second.headers.get('Retry-After')).toBe('1');
    release();
    expect((await first).status).toBe(200);
  });

  it('reports liveness without naming the storage', async () => {
    const { app } = setup();
    const res = await app.request('/healthz');
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('exposes batch, record and byte counters in Prometheus text', async () => {
    const { app } = setup();
    await app.request('/v1/batches', batchRequest(gzipLines([jsonLine(), 'bad'])));
    await app.request(
      '/v1/batches',
      batchRequest(gzipLines([jsonLine()]), { Authorization: 'Bearer nope-nope-nope' }),
    );
    const text = await (await app.request('/metrics')).text();
    expect(text).toContain('accesslake_batches_total{status="200"} 1');
    expect(text).toContain('accesslake_batches_total{status="403"} 1');
    // Every answer is timed, the refused one included (the metrics middleware wraps auth).
    expect(text).toContain('accesslake_request_duration_seconds_count 2');
    expect(text).toContain('accesslake_records_accepted_total 1');
    expect(text).toContain('accesslake_records_rejected_total 1');
    expect(text).toMatch(/accesslake_bytes_out_total \d+/);
    expect(text).toMatch(/accesslake_request_duration_seconds_count 2/);
  });

  it('registers the partitions it wrote, and a failing registrar does not fail the batch', async () => {
    const seen: string[] = [];
    const { app } = setup({
      partitionRegistrar: {
        async register(partitions) {
          seen.push(...partitions.map((p) => `${p.year}${p.month}${p.day}${p.hour}`));
          throw new Error('glue is down');
        },
      },
    });
    const res = await app.request('/v1/batches', batchRequest(gzipLines([jsonLine()])));
    expect(res.status).toBe(200);
    expect(seen).toEqual(['2025011014']);
    expect(await (await app.request('/metrics')).text()).toContain(
      'accesslake_partition_registration_errors_total 1',
    );
  });
});
