/**
 * Batches that cost the ingest more than their size: one line per event hour (each hour is one lake
 * object and one partition), and a client that hangs up in the middle of its body.
 */
import { describe, expect, it } from 'vitest';
import { createIngestApp } from '../../ingest/index.ts';
import { createMemoryStorage } from '../../storage/index.ts';
import { batchRequest, gzipLines, jsonLine, TOKEN } from '../support/batches.ts';
import { readJsonLines } from '../support/lake.ts';

/** `n` lines, line i at hour i after 2025-01-01T00 (so every line is in its own hour). */
function oneLinePerHour(n: number): string[] {
  const start = Date.UTC(2025, 0, 1);
  return Array.from({ length: n }, (_, i) =>
    jsonLine({
      ts: new Date(start + i * 3_600_000).toISOString().replace('.000Z', '+00:00'),
      path: `/h${i}`,
    }),
  );
}

describe('a batch spread over many event hours', () => {
  it('writes at most maxHours objects; lines in further hours are rejects that say why, the rest arrive', async () => {
    const storage = createMemoryStorage();
    const app = createIngestApp({ tokens: [TOKEN], storage, limits: { maxHours: 3 } });
    // Hours 0,1,2 are taken; 3 and 4 are past the cap; a later line of hour 1 still fits.
    const lines = [...oneLinePerHour(5), jsonLine({ ts: '2025-01-01T01:59:00+00:00', path: '/h1-again' })];
    const res = await app.request('/v1/batches', batchRequest(gzipLines(lines)));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ accepted: 4, rejected: 2 });
    const dataObjects = (body.objects as string[]).filter((k) => k.startsWith('access_logs/'));
    expect(dataObjects).toHaveLength(3);
    expect(body.firstRejectReason).toMatch(/spans 3 event hours.*--max-hours.*2025-01-01T03/);
    const rejectsKey = (body.objects as string[]).find((k) => k.startsWith('rejects/'));
    const rejects = await readJsonLines(storage, rejectsKey as string);
    expect(rejects.map((r) => JSON.parse(String(r.line)).path)).toEqual(['/h3', '/h4']);
  });

  it('caps the default at 744 hours: a 5,000-hour batch of a few KB writes 744 objects, not 5,000', async () => {
    const storage = createMemoryStorage();
    const app = createIngestApp({ tokens: [TOKEN], storage });
    const res = await app.request('/v1/batches', batchRequest(gzipLines(oneLinePerHour(5000))));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ accepted: 744, rejected: 5000 - 744 });
    expect((body.objects as string[]).filter((k) => k.startsWith('access_logs/'))).toHaveLength(744);
  });
});

describe('a client that closes the connection mid-body', () => {
  it("is answered 499 (nginx's client closed request) and counted as such, not as a 500", async () => {
    const app = createIngestApp({ tokens: [TOKEN], storage: createMemoryStorage() });
    const partial = gzipLines([jsonLine()]).subarray(0, 10);
    // What Node's adapter hands the app when the socket closes before Content-Length bytes arrived.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(partial);
        controller.error(new Error('aborted'));
      },
    });
    const init = { ...batchRequest(new Uint8Array()), body, duplex: 'half' } as RequestInit;
    const res = await app.request('/v1/batches', init);
    expect(res.status).toBe(499);
    expect((await res.json()).error).toMatch(/closed the connection after \d+ bytes of the body/);
    const metrics = await (await app.request('/metrics')).text();
    expect(metrics).toContain('accesslake_batches_total{status="499"} 1');
    expect(metrics).not.toContain('status="500"');
  });
});
