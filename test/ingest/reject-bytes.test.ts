/** A rejected line keeps its exact bytes: invalid UTF-8 is kept as base64 in `line_b64` (docs/record.md). */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createIngestApp } from '../../ingest/app.ts';
import { createMemoryStorage } from '../../storage/index.ts';
import { batchRequest, jsonLine, TOKEN } from '../support/batches.ts';
import { readJsonLines } from '../support/lake.ts';

describe('rejects keep their exact bytes', () => {
  it('keeps a line that is not valid UTF-8 as base64 beside its text, and accepts the valid lines', async () => {
    const storage = createMemoryStorage();
    const app = createIngestApp({ tokens: [TOKEN], storage });
    const encoder = new TextEncoder();
    // A lone continuation byte, a truncated sequence and an overlong "/" in one line.
    const invalid = new Uint8Array([
      ...encoder.encode('203.0.113.9 bad \\x'),
      0x80,
      0xe2,
      0x82,
      0x20,
      0xc0,
      0xaf,
    ]);
    const body = new Uint8Array([
      ...encoder.encode(`${jsonLine()}\n`),
      ...invalid,
      0x0d,
      0x0a,
      ...encoder.encode(`${jsonLine({ path: '/ünïcödé' })}\nnot json but valid utf-8 é\n`),
    ]);
    const res = await app.request('/v1/batches', batchRequest(new Uint8Array(gzipSync(body))));
    expect(res.status).toBe(200);
    const answer = await res.json();
    expect(answer).toMatchObject({ accepted: 2, rejected: 2 });
    const rejects = await readJsonLines(
      storage,
      answer.objects.find((k: string) => k.startsWith('rejects/')),
    );
    expect(rejects.map((r) => r.line_no)).toEqual([2, 4]);
    expect(Buffer.from(rejects[0]!.line_b64 as string, 'base64')).toEqual(Buffer.from(invalid));
    expect(rejects[0]!.line).toContain('\ufffd');
    // A valid UTF-8 line needs no copy: `line` is exact.
    expect(rejects[1]).not.toHaveProperty('line_b64');
    expect(rejects[1]!.line).toBe('not json but valid utf-8 é');
  });
});
