/**
 * The memory budget: decompressed bytes in flight over all batches stay under `maxDecompressedInFlight`;
 * a batch that does not fit now is answered 503 + Retry-After, and one batch at the per-batch cap is
 * accepted when it comes alone. (Peak RSS under ten gzip bombs is measured by `npm run bench:bombs`.)
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createIngestApp } from '../../ingest/app.ts';
import { createMemoryStorage, type ObjectStorage } from '../../storage/index.ts';
import { batchRequest, jsonLine, TOKEN } from '../support/batches.ts';

const MiB = 1024 * 1024;

/** Valid JSON lines of exactly `bytes` bytes, newline-terminated; each line unique, so gzip cannot collapse it. */
function linesOfSize(bytes: number, tag: string): Uint8Array {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; ; i++) {
    const line = `${jsonLine({ path: `/${tag}/${i}/${(i * 2654435761) % 1000003}` })}\n`;
    if (size + line.length > bytes) break;
    lines.push(line);
    size += line.length;
  }
  // Pad the last line's path so the body is exactly `bytes` long.
  const last = JSON.parse(lines.pop()!) as Record<string, unknown>;
  size -= JSON.stringify(last).length + 1;
  const padding = bytes - size - (JSON.stringify({ ...last, path: '' }).length + 1);
  lines.push(`${JSON.stringify({ ...last, path: `/${'p'.repeat(padding - 1)}` })}\n`);
  const text = new TextEncoder().encode(lines.join(''));
  expect(text.byteLength).toBe(bytes);
  return text;
}

/** Storage whose first data write waits until `release()`: the batch holds its budget meanwhile. */
function gatedStorage() {
  const inner = createMemoryStorage();
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let entered!: () => void;
  const waiting = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const storage: ObjectStorage = {
    ...inner,
    url: inner.url,
    put: async (key, body, options) => {
      if (key.startsWith('access_logs/')) {
        entered();
        await gate;
      }
      return inner.put(key, body, options);
    },
    putIfAbsent: (key, body, options) => inner.putIfAbsent(key, body, options),
    get: (key) => inner.get(key),
    list: (prefix) => inner.list(prefix),
    delete: (key) => inner.delete(key),
  };
  return { storage, release: () => open(), waiting };
}

describe('memory budget', () => {
  it('accepts one valid batch at the decompressed cap when it comes alone', async () => {
    const app = createIngestApp({
      tokens: [TOKEN],
      storage: createMemoryStorage(),
      limits: { maxDecompressedBytes: 2 * MiB },
      maxDecompressedInFlight: 2 * MiB,
    });
    const body = linesOfSize(2 * MiB, 'cap');
    const res = await app.request('/v1/batches', batchRequest(new Uint8Array(gzipSync(body))));
    expect(res.status).toBe(200);
    expect((await res.json()).rejected).toBe(0);
    expect(app.budget.inUse).toBe(0);
  });

  it('answers 503 with Retry-After while other batches hold the budget, and accepts the batch once they are done', async () => {
    const { storage, release, waiting } = gatedStorage();
    const app = createIngestApp({
      tokens: [TOKEN],
      storage,
      limits: { maxDecompressedBytes: 2 * MiB },
      maxDecompressedInFlight: 3 * MiB,
    });
    const holding = app.request(
      '/v1/batches',
      batchRequest(new Uint8Array(gzipSync(linesOfSize(2 * MiB, 'first'))), {
        'Idempotency-Key': 'batch-holds-1',
      }),
    );
    await waiting;
    expect(app.budget.inUse).toBe(2 * MiB);

    const second = batchRequest(new Uint8Array(gzipSync(linesOfSize(2 * MiB, 'second'))), {
      'Idempotency-Key': 'batch-waits-1',
    });
    const refused = await app.request('/v1/batches', second);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('Retry-After')).toBe('1');
    expect((await refused.json()).error).toMatch(/memory budget/);

    release();
    expect((await holding).status).toBe(200);
    expect(app.budget.inUse).toBe(0);
    expect((await app.request('/v1/batches', second)).status).toBe(200);
  });

  it('gives a gzip bomb no more than the budget and frees it with the 413', async () => {
    const app = createIngestApp({
      tokens: [TOKEN],
      storage: createMemoryStorage(),
      limits: { maxDecompressedBytes: 8 * MiB },
      maxDecompressedInFlight: 8 * MiB,
    });
    const bomb = new Uint8Array(gzipSync(Buffer.alloc(64 * MiB)));
    const res = await app.request('/v1/batches', batchRequest(bomb));
    expect(res.status).toBe(413);
    expect(app.budget.inUse).toBe(0);
  });
});
