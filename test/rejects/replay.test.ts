/**
 * `rejects replay`: lines ingest rejected under a wrong format are read again with the right one, each
 * exactly once, whether the replay is repeated or interrupted at any storage operation; lines that still
 * fail stay under rejects/ with their new reason.
 */
import { describe, expect, it } from 'vitest';
import { createIngestApp } from '../../ingest/app.ts';
import { loadGzipCodec } from '../../lib/gzip/index.ts';
import { groupRejects } from '../../rejects/list.ts';
import { listRejectsKeys, readRejectsObject } from '../../rejects/read.ts';
import { replayRejects } from '../../rejects/replay.ts';
import { createMemoryStorage, type ObjectStorage } from '../../storage/index.ts';
import { batchRequest, gzipLines, jsonLine, TOKEN } from '../support/batches.ts';
import { readAllRecords } from '../support/lake.ts';

const gzip = await loadGzipCodec();

/** JSON lines sent as `combined` (every one rejected), plus `junk` lines no format reads. */
async function lakeWithRejects(storage: ObjectStorage, batches = 3, perBatch = 40, junk = 0): Promise<void> {
  const app = createIngestApp({ tokens: [TOKEN], storage });
  for (let b = 0; b < batches; b++) {
    const lines = Array.from({ length: perBatch }, (_, i) => jsonLine({ path: `/b${b}/p${i}` }));
    for (let j = 0; j < junk; j++) lines.push(`junk line ${b}-${j}`);
    const res = await app.request(
      '/v1/batches',
      batchRequest(gzipLines(lines), {
        'X-Log-Format': 'combined',
        'Idempotency-Key': `agent-batch-${b}-0000`,
        'X-Source': `web-${b % 2}`,
      }),
    );
    expect(await res.json()).toMatchObject({ accepted: 0, rejected: perBatch + junk });
  }
}

async function allRejects(storage: ObjectStorage) {
  const rejects = [];
  for (const key of await listRejectsKeys(storage))
    rejects.push(...(await readRejectsObject(storage, gzip, key))!.rejects);
  return rejects;
}

const pathsOf = async (storage: ObjectStorage) =>
  (await readAllRecords(storage)).map((r) => String(r.path)).sort();
const expected = (batches: number, perBatch: number) =>
  Array.from(
    { length: batches * perBatch },
    (_, n) => `/b${Math.floor(n / perBatch)}/p${n % perBatch}`,
  ).sort();

describe('rejects replay', () => {
  it('lists rejects by reason, then ships them once with the right format; a second replay adds nothing', async () => {
    const storage = createMemoryStorage();
    await lakeWithRejects(storage);
    const groups = groupRejects(await allRejects(storage));
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ count: 120, format: 'combined', sources: ['web-0', 'web-1'] });

    const first = await replayRejects({ storage, gzip, format: 'json' });
    expect(first).toEqual({ objects: 3, lines: 120, accepted: 120, stillRejected: 0, skipped: 0 });
    expect(await pathsOf(storage)).toEqual(expected(3, 40));
    expect(await listRejectsKeys(storage)).toEqual([]);
    // Records keep the source of the batch they came in with.
    expect(new Set((await readAllRecords(storage)).map((r) => r.source))).toEqual(
      new Set(['web-0', 'web-1']),
    );

    const again = await replayRejects({ storage, gzip, format: 'json' });
    expect(again).toEqual({ objects: 0, lines: 0, accepted: 0, stillRejected: 0, skipped: 0 });
    expect(await pathsOf(storage)).toEqual(expected(3, 40));
  });

  it('keeps the lines that still fail, with their new reason, and does not churn them on a repeat', async () => {
    const storage = createMemoryStorage();
    await lakeWithRejects(storage, 2, 10, 2);
    const result = await replayRejects({ storage, gzip, format: 'json' });
    expect(result).toMatchObject({ accepted: 20, stillRejected: 4 });
    const left = await allRejects(storage);
    expect(left.map((r) => r.line).sort()).toEqual([
      'junk line 0-0',
      'junk line 0-1',
      'junk line 1-0',
      'junk line 1-1',
    ]);
    expect(
      left.every(
        (r) => r.format === 'json' && r.reason.startsWith('json: expected one JSON object per line'),
      ),
    ).toBe(true);
    const keys = await listRejectsKeys(storage);
    expect(await replayRejects({ storage, gzip, format: 'json' })).toMatchObject({ objects: 0, skipped: 2 });
    expect(await listRejectsKeys(storage)).toEqual(keys);
    expect(await pathsOf(storage)).toEqual(expected(2, 10));
  });

  it('replays only the rejects of one --source when asked', async () => {
    const storage = createMemoryStorage();
    await lakeWithRejects(storage, 3, 5);
    expect(await replayRejects({ storage, gzip, format: 'json', source: 'web-1' })).toMatchObject({
      objects: 1,
      accepted: 5,
      skipped: 2,
    });
    expect(new Set((await readAllRecords(storage)).map((r) => r.source))).toEqual(new Set(['web-1']));
  });

  it('is exactly once when interrupted at any storage write or delete, then run again', async () => {
    // Count the storage operations of one whole replay, then crash at each of them in turn.
    const probe = createMemoryStorage();
    await lakeWithRejects(probe, 3, 40, 1);
    let operations = 0;
    await replayRejects({ storage: counting(probe, () => operations++), gzip, format: 'json' });
    expect(operations).toBeGreaterThan(6);
    for (let crashAt = 0; crashAt < operations; crashAt++) {
      const storage = createMemoryStorage();
      await lakeWithRejects(storage, 3, 40, 1);
      let n = 0;
      const crashing = counting(storage, () => {
        if (n++ === crashAt) throw new Error(`crash at write ${crashAt}`);
      });
      await expect(replayRejects({ storage: crashing, gzip, format: 'json' })).rejects.toThrow(/crash at/);
      await replayRejects({ storage, gzip, format: 'json' });
      expect(await pathsOf(storage), `crash at ${crashAt}`).toEqual(expected(3, 40));
      expect((await allRejects(storage)).map((r) => r.line).sort()).toEqual([
        'junk line 0-0',
        'junk line 1-0',
        'junk line 2-0',
      ]);
    }
  });
});

/** `storage` with `before()` called ahead of each write and delete (it may throw: a crash there). */
function counting(storage: ObjectStorage, before: () => void): ObjectStorage {
  return {
    url: storage.url,
    get: (key) => storage.get(key),
    list: (prefix) => storage.list(prefix),
    put: async (key, body, options) => {
      before();
      await storage.put(key, body, options);
    },
    putIfAbsent: async (key, body, options) => {
      before();
      return storage.putIfAbsent(key, body, options);
    },
    delete: async (key) => {
      before();
      await storage.delete(key);
    },
  };
}
