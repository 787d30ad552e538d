/** The formats through the wire protocol: `X-Log-Format` on POST /v1/batches, in-process. */
import { describe, expect, it } from 'vitest';
import { createIngestApp } from '../../ingest/app.ts';
import { createMemoryStorage } from '../../storage/index.ts';
import { batchRequest, gzipLines, TOKEN } from '../support/batches.ts';
import { readAllRecords, readJsonLines } from '../support/lake.ts';

const GOOD =
  '203.0.113.7 - - [10/Jan/2025:14:31:02 +0000] "GET /a HTTP/1.1" 200 12 "-" "curl/8.5.0" rt=0.004';
const BAD = '203.0.113.7 - - [10/Jan/2025:14:31:02 +0000] "GET /b HTTP/1.1 200 12';
const SPEC = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time`;

function setup() {
  const storage = createMemoryStorage();
  return { app: createIngestApp({ tokens: [TOKEN], storage }), storage };
}

describe('X-Log-Format on the wire', () => {
  it('stores lines of a log_format string and keeps a non-matching line in the rejects with its reason', async () => {
    const { app, storage } = setup();
    const res = await app.request(
      '/v1/batches',
      batchRequest(gzipLines([GOOD, BAD]), { 'X-Log-Format': SPEC }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: 1 });
    const [record] = await readAllRecords(storage);
    expect(record).toMatchObject({ path: '/a', status: 200, request_time: 0.004, user_agent: 'curl/8.5.0' });
    const rejectKeys = await storage.list('rejects/');
    expect(rejectKeys).toHaveLength(1);
    const rejects = await readJsonLines(storage, rejectKeys[0]!);
    expect(JSON.stringify(rejects)).toContain(
      '$request: missing closing quote for the value that starts at column 47',
    );
  });

  it('answers 400 naming the position of a log_format that does not compile', async () => {
    const { app, storage } = setup();
    const res = await app.request(
      '/v1/batches',
      batchRequest(gzipLines([GOOD]), { 'X-Log-Format': '$status $' }),
    );
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/log_format does not compile at position 9/);
    expect(storage.objects.size).toBe(0);
  });

  it('answers 415 for a format name it does not know', async () => {
    const { app } = setup();
    const res = await app.request('/v1/batches', batchRequest(gzipLines([GOOD]), { 'X-Log-Format': 'w3c' }));
    expect(res.status).toBe(415);
    expect((await res.json()).error).toMatch(/use json, combined, main, s3, alb/);
  });
});
