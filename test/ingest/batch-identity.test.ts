/**
 * Batch identity is scoped by source, and one (source, Idempotency-Key) names one content: other content
 * under it is answered 409 and the stored batch stays as it was, on the memory, folder and S3 (moto)
 * drivers, also when two ingest instances race (the claim's create-only write decides, not a lock).
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, motoClientConfig, startMotoServer } from '../../harness/index.ts';
import { createIngestApp } from '../../ingest/app.ts';
import { createFileStorage } from '../../storage/drivers/file.ts';
import { createS3Storage } from '../../storage/drivers/s3.ts';
import { createMemoryStorage, type ObjectStorage } from '../../storage/index.ts';
import { batchRequest, gzipLines, jsonLine, TOKEN } from '../support/batches.ts';
import { readAllRecords } from '../support/lake.ts';

const app = (storage: ObjectStorage) => createIngestApp({ tokens: [TOKEN], storage });
const post = (target: ReturnType<typeof app>, body: Uint8Array, headers: Record<string, string> = {}) =>
  target.request('/v1/batches', batchRequest(body, headers));

const BODY_A = gzipLines([jsonLine({ path: '/a' })]);
const BODY_B = gzipLines([jsonLine({ path: '/b' }), jsonLine({ path: '/b2', ts: '2025-01-10T15:00:00Z' })]);

let moto: MotoServer;
let s3: S3Client;
const dirs: string[] = [];
let bucketNo = 0;
beforeAll(async () => {
  moto = await startMotoServer();
  s3 = new S3Client({ ...motoClientConfig(moto.endpoint), forcePathStyle: true });
});
afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const DRIVERS: Record<string, () => Promise<ObjectStorage>> = {
  memory: async () => createMemoryStorage(),
  folder: async () => {
    const dir = await mkdtemp(join(tmpdir(), 'accesslake-identity-'));
    dirs.push(dir);
    return createFileStorage(dir);
  },
  's3 (moto_server)': async () => {
    const bucket = `identity-${++bucketNo}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    return createS3Storage({ bucket, prefix: 'lake', client: s3 });
  },
};

async function snapshot(storage: ObjectStorage): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const prefix of ['access_logs/', 'rejects/']) {
    for (const key of await storage.list(prefix)) out.set(key, (await storage.get(key))!);
  }
  return out;
}

describe('batch identity scoped by source', () => {
  it('keeps both hosts when two sources send the same body without an Idempotency-Key', async () => {
    const storage = createMemoryStorage();
    const ingest = app(storage);
    const init = (source: string) => {
      const request = batchRequest(BODY_A, { 'X-Source': source });
      delete (request.headers as Record<string, string>)['Idempotency-Key'];
      return request;
    };
    const a = await (await ingest.request('/v1/batches', init('host-a'))).json();
    const b = await (await ingest.request('/v1/batches', init('host-b'))).json();
    // The batch id is the body's hash on the wire for both; the objects differ by source.
    expect(a.batchId).toBe(b.batchId);
    expect(a.objects).not.toEqual(b.objects);
    const sources = (await readAllRecords(storage)).map((r) => r.source).sort();
    expect(sources).toEqual(['host-a', 'host-b']);
  });

  it('puts any allowed label, "/" and "=" included, in the file name only and answers the batch id as sent', async () => {
    const storage = createMemoryStorage();
    const res = await post(app(storage), BODY_A, {
      'X-Source': 'dc=eu/web_1.a',
      'Idempotency-Key': 'key_with-parts',
    });
    expect(res.status).toBe(200);
    const answer = await res.json();
    expect(answer.batchId).toBe('key_with-parts');
    expect(answer.objects).toEqual([
      'access_logs/year=2025/month=01/day=10/hour=14/access_20250110T143102Z_dc.3deu.2fweb.5f1.2ea_key_with-parts-0.jsonl.gz',
    ]);
    expect(answer.objects[0]).not.toContain('source=');
    expect((await readAllRecords(storage))[0]!.source).toBe('dc=eu/web_1.a');
  });

  it('never gives two labels the same object name', async () => {
    const storage = createMemoryStorage();
    const ingest = app(storage);
    // Pairs that a lossy encoding (dropping or replacing characters) would merge.
    const labels = ['web_1', 'web.1', 'web-1', 'web/1', 'web.5f1', 'web.2e1', 'WEB-1', 'web=1'];
    const keys = new Set<string>();
    for (const label of labels) {
      const answer = await (await post(ingest, BODY_A, { 'X-Source': label })).json();
      for (const key of answer.objects as string[]) keys.add(key);
    }
    expect(keys.size).toBe(labels.length);
  });
});

describe.each(Object.keys(DRIVERS))('one key, one content (%s)', (driver) => {
  it('answers 409 naming the key for other content under the same source and key, and keeps the stored batch', async () => {
    const storage = await DRIVERS[driver]!();
    const ingest = app(storage);
    const first = await post(ingest, BODY_A, { 'Idempotency-Key': 'batch-same-key' });
    expect(first.status).toBe(200);
    const before = await snapshot(storage);

    const other = await post(ingest, BODY_B, { 'Idempotency-Key': 'batch-same-key' });
    expect(other.status).toBe(409);
    expect((await other.json()).error).toMatch(
      /Idempotency-Key "batch-same-key" from source "web-1" was already used/,
    );
    expect(await snapshot(storage)).toEqual(before);
    expect((await readAllRecords(storage)).map((r) => r.path)).toEqual(['/a']);
  });

  it('answers the same content again with the first answer and writes nothing', async () => {
    const storage = await DRIVERS[driver]!();
    const ingest = app(storage);
    const first = await (await post(ingest, BODY_B, { 'Idempotency-Key': 'batch-again-1' })).json();
    const before = await snapshot(storage);
    const again = await post(ingest, BODY_B, { 'Idempotency-Key': 'batch-again-1' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    expect(await snapshot(storage)).toEqual(before);
  });

  it('lets another source use the same key for other content', async () => {
    const storage = await DRIVERS[driver]!();
    const ingest = app(storage);
    expect(
      (await post(ingest, BODY_A, { 'Idempotency-Key': 'batch-shared-1', 'X-Source': 'host-a' })).status,
    ).toBe(200);
    expect(
      (await post(ingest, BODY_B, { 'Idempotency-Key': 'batch-shared-1', 'X-Source': 'host-b' })).status,
    ).toBe(200);
    expect((await readAllRecords(storage)).map((r) => `${r.source}${r.path}`).sort()).toEqual([
      'host-a/a',
      'host-b/b',
      'host-b/b2',
    ]);
  });

  it('ends ten parallel requests mixing two bodies under one key with one body stored and the other 409', async () => {
    const storage = await DRIVERS[driver]!();
    // Two ingest instances on one lake, as two processes or Lambdas would be: no shared lock decides.
    const instances = [app(storage), app(storage)];
    const bodies = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? BODY_A : BODY_B));
    const answers = await Promise.all(
      bodies.map((body, i) =>
        post(instances[Math.floor(i / 2) % 2]!, body, { 'Idempotency-Key': 'batch-race-1' }),
      ),
    );
    const statuses = answers.map((res) => res.status);
    const winner = bodies[statuses.indexOf(200)];
    expect(winner).toBeDefined();
    statuses.forEach((status, i) => {
      expect(status).toBe(bodies[i] === winner ? 200 : 409);
    });
    const paths = (await readAllRecords(storage)).map((r) => r.path).sort();
    expect(paths).toEqual(winner === BODY_A ? ['/a'] : ['/b', '/b2']);
  });
});
