/**
 * Junk lines cost what records cost: a batch of many one-byte junk lines is answered, every line counted
 * as a reject, none lost. A batch of 3,000,000 such lines once ran minutes into `RangeError: Invalid
 * string length` (each reject an object, the rejects JSONL one string); 200,000 took 20 s and 2 GB.
 * Speed and memory are measured by `npm run bench:junk`, not here.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createIngestApp } from '../../ingest/app.ts';
import { REJECTS_CHUNK_BYTES } from '../../ingest/lake/rejects-json-lines.ts';
import { loadGzipCodec } from '../../lib/gzip/index.ts';
import { createMemoryStorage } from '../../storage/index.ts';
import { batchRequest, jsonLine } from '../support/batches.ts';

const JUNK_LINES = 200_000;

describe('a batch of junk lines', () => {
  it('is answered with every line a reject, none lost, the rejects written in bounded chunks', async () => {
    const storage = createMemoryStorage();
    const app = createIngestApp({ tokens: ['test-token-0001'], storage });
    // Junk, with a valid record, an empty line and a line that is not UTF-8 among it.
    const parts: Uint8Array[] = [new TextEncoder().encode('x\n'.repeat(JUNK_LINES / 2))];
    parts.push(new TextEncoder().encode(`${jsonLine()}\n\n`));
    parts.push(new Uint8Array([0x7b, 0xff, 0x0a]));
    parts.push(new TextEncoder().encode('x\n'.repeat(JUNK_LINES / 2)));
    const body = new Uint8Array(Buffer.concat(parts));
    const res = await app.request('/v1/batches', batchRequest(new Uint8Array(gzipSync(body))));
    expect(res.status).toBe(200);
    const answer = await res.json();
    const rejectedCount = JUNK_LINES + 2;
    expect(answer).toMatchObject({ accepted: 1, rejected: rejectedCount });

    const key = answer.objects.find((k: string) => k.startsWith('rejects/'));
    const gzip = await loadGzipCodec();
    const text = new TextDecoder().decode(await gzip.gunzip((await storage.get(key))!, 1 << 30));
    // Over one chunk: the object is several gzip members, read back as one stream.
    expect(text.length).toBeGreaterThan(2 * REJECTS_CHUNK_BYTES);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(rejectedCount);
    // Plain loops: 200,000 expect() calls would be most of this test's time.
    const seen = new Set<number>();
    let foreign = 0;
    for (const line of lines) {
      const reject = JSON.parse(line);
      if (reject.batch_id !== 'batch-000001' || reject.source !== 'web-1' || reject.format !== 'json')
        foreign++;
      seen.add(reject.line_no);
    }
    expect(foreign).toBe(0);
    expect(seen.size).toBe(rejectedCount);
    const valid = JUNK_LINES / 2 + 1;
    const missing = [];
    for (let n = 1; n <= JUNK_LINES + 3; n++) if (seen.has(n) !== (n !== valid)) missing.push(n);
    expect(missing).toEqual([]);
    const first = JSON.parse(lines[0]!);
    expect(first).toMatchObject({ line_no: 1, reason: 'json: expected one JSON object per line', line: 'x' });
    const invalid = JSON.parse(lines.find((l) => l.includes('line_b64'))!);
    expect(invalid).toMatchObject({ line_no: valid + 2, line_b64: btoa('\x7b\xff') });
  });

  it('over the line limit is 413 naming it, before any line is read', async () => {
    const storage = createMemoryStorage();
    const app = createIngestApp({ tokens: ['test-token-0001'], storage, limits: { maxLines: 10 } });
    const over = await app.request('/v1/batches', batchRequest(gzipSync('x\n'.repeat(11))));
    expect(over.status).toBe(413);
    expect((await over.json()).error).toMatch(/batch has more than 10 lines: send smaller batches/);
    expect(await storage.list('')).toEqual([]);
    // A last line without its newline counts too.
    const unterminated = await app.request('/v1/batches', batchRequest(gzipSync(`${'x\n'.repeat(10)}x`)));
    expect(unterminated.status).toBe(413);
    const at = await app.request('/v1/batches', batchRequest(gzipSync('x\n'.repeat(10))));
    expect(at.status).toBe(200);
    expect(await at.json()).toMatchObject({ rejected: 10 });
  });

  it('has a default line limit of 1,000,000', async () => {
    const app = createIngestApp({ tokens: ['test-token-0001'], storage: createMemoryStorage() });
    const res = await app.request('/v1/batches', batchRequest(gzipSync('x\n'.repeat(1_000_001))));
    expect(res.status).toBe(413);
  });
});
