/**
 * Failures only a mock can produce (S3 SlowDown, a 500, a hung connection), driven through the real S3
 * driver and the real app. Each must become a 5xx answer, and nothing written before the failure may be
 * counted as accepted.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIngestApp } from '../../ingest/app.ts';
import { createS3Storage } from '../../storage/drivers/s3.ts';
import { batchRequest, gzipLines, jsonLine, TOKEN } from '../support/batches.ts';

const ENDPOINT = 'http://s3.mock.test';
const BUCKET = 'lake-bucket';
const stored = new Map<string, Uint8Array>();

const s3Error = (status: number, code: string) =>
  new HttpResponse(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
    {
      status,
      headers: { 'Content-Type': 'application/xml' },
    },
  );

const keyOf = (request: Request) =>
  decodeURIComponent(new URL(request.url).pathname.slice(`/${BUCKET}/`.length));

// Happy path: a tiny S3 that keeps PUT bodies, refuses anything but path-style keys, and answers a
// conditional PUT (If-None-Match: *) on an existing key with 412 PreconditionFailed, as S3 does.
const putObject = http.put(`${ENDPOINT}/${BUCKET}/*`, async ({ request }) => {
  const key = keyOf(request);
  if (!key) return s3Error(400, 'InvalidRequest');
  const ifNoneMatch = request.headers.get('If-None-Match');
  if (ifNoneMatch !== null && ifNoneMatch !== '*') return s3Error(501, 'NotImplemented');
  if (ifNoneMatch === '*' && stored.has(key)) return s3Error(412, 'PreconditionFailed');
  stored.set(key, new Uint8Array(await request.arrayBuffer()));
  return new HttpResponse(null, { status: 200, headers: { ETag: '"etag"' } });
});
const getObject = http.get(`${ENDPOINT}/${BUCKET}/*`, ({ request }) => {
  const body = stored.get(keyOf(request));
  return body ? new HttpResponse(body, { status: 200 }) : s3Error(404, 'NoSuchKey');
});
const deleteObject = http.delete(`${ENDPOINT}/${BUCKET}/*`, ({ request }) => {
  stored.delete(keyOf(request));
  return new HttpResponse(null, { status: 204 });
});

const server = setupServer(putObject, getObject, deleteObject);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  stored.clear();
});
afterAll(() => server.close());

function setup() {
  const client = new S3Client({
    endpoint: ENDPOINT,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
  });
  const storage = createS3Storage({ bucket: BUCKET, client, requestTimeoutMs: 300 });
  return createIngestApp({ tokens: [TOKEN], storage });
}

// Two event hours, so the batch needs three PutObject calls (its claim, then one object per hour): the
// third one fails.
const twoHourBatch = () =>
  gzipLines([
    jsonLine({ ts: '2025-01-10T14:00:00Z', path: '/a' }),
    jsonLine({ ts: '2025-01-10T15:00:00Z', path: '/b' }),
  ]);

function failSecondDataPut(failure: () => Promise<Response> | Response) {
  let calls = 0;
  server.use(
    http.put(`${ENDPOINT}/${BUCKET}/*`, async () => {
      calls += 1;
      // Fall through to the happy handler for the claim and the first object only.
      if (calls <= 2) return undefined;
      return failure();
    }),
  );
}

/** The answer body names neither the bucket nor the endpoint: those are for the log. */
async function errorOf(res: Response): Promise<string> {
  const { error } = (await res.json()) as { error: string };
  expect(error).not.toMatch(/lake-bucket|s3\.mock\.test|PutObject/);
  return error;
}

describe('storage failures become 5xx answers', () => {
  it('answers 503 with Retry-After when S3 says SlowDown', async () => {
    const app = setup();
    failSecondDataPut(() => s3Error(503, 'SlowDown'));
    const res = await app.request('/v1/batches', batchRequest(twoHourBatch()));
    expect(res.status).toBe(503);
    expect(res.headers.get('Retry-After')).toBe('1');
    expect(await errorOf(res)).toMatch(/storage is throttling or timing out: .*retry the batch later/);
  });

  it('answers 500 when S3 fails with an internal error', async () => {
    const app = setup();
    failSecondDataPut(() => s3Error(500, 'InternalError'));
    const res = await app.request('/v1/batches', batchRequest(twoHourBatch()));
    expect(res.status).toBe(500);
    expect(await errorOf(res)).toMatch(
      /storage write failed: nothing was acknowledged, retry the batch later/,
    );
  });

  it('answers 503 when S3 does not answer in time', async () => {
    const app = setup();
    failSecondDataPut(async () => {
      await delay(5_000);
      return new HttpResponse(null, { status: 200 });
    });
    const res = await app.request('/v1/batches', batchRequest(twoHourBatch()));
    expect(res.status).toBe(503);
    expect(await errorOf(res)).toMatch(/timing out/);
  });

  it('counts nothing from a failed batch, and its retry stores each record exactly once', async () => {
    const app = setup();
    failSecondDataPut(() => s3Error(503, 'SlowDown'));
    expect((await app.request('/v1/batches', batchRequest(twoHourBatch()))).status).toBe(503);
    // The first hour's object was written, then removed again: an unacknowledged batch leaves no rows,
    // only its claim (outside the crawled prefix).
    expect([...stored.keys()]).toEqual(['batches/web-1_batch-000001.json']);
    const metrics = async () => (await app.request('/metrics')).text();
    expect(await metrics()).not.toMatch(/accesslake_records_accepted_total [1-9]/);
    expect(await metrics()).toContain('accesslake_storage_errors_total{kind="throttled"} 1');

    server.resetHandlers();
    const retry = await app.request('/v1/batches', batchRequest(twoHourBatch()));
    expect(retry.status).toBe(200);
    expect((await retry.json()).accepted).toBe(2);
    // The retry overwrote the first attempt's object under the same key: two objects, two records.
    expect([...stored.keys()].sort()).toEqual([
      'access_logs/year=2025/month=01/day=10/hour=14/access_20250110T140000Z_web-1_batch-000001-0.jsonl.gz',
      'access_logs/year=2025/month=01/day=10/hour=15/access_20250110T150000Z_web-1_batch-000001-1.jsonl.gz',
      'batches/web-1_batch-000001.json',
    ]);
    expect(await metrics()).toContain('accesslake_records_accepted_total 2');
  });
});
