/**
 * The one contract every storage driver passes (like unstorage's test/drivers/utils.ts). Each driver's
 * test file calls `runStorageContract` with a factory for a fresh, empty store.
 */
import { describe, expect, it } from 'vitest';
import type { ObjectStorage } from '../../storage/index.ts';
import { InvalidKeyError } from '../../storage/index.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

export function runStorageContract(name: string, create: () => Promise<ObjectStorage>): void {
  describe(`${name} storage contract`, () => {
    it('reads back what it wrote, byte for byte', async () => {
      const storage = await create();
      const body = new Uint8Array(256).map((_, i) => i);
      await storage.put('access_logs/year=2025/month=01/day=10/hour=14/a.jsonl.gz', body);
      expect(await storage.get('access_logs/year=2025/month=01/day=10/hour=14/a.jsonl.gz')).toEqual(body);
    });

    it('answers undefined for a missing key', async () => {
      const storage = await create();
      expect(await storage.get('rejects/none.jsonl.gz')).toBeUndefined();
    });

    it('overwrites an existing key in place (a retried batch never duplicates)', async () => {
      const storage = await create();
      await storage.put('access_logs/x/b.jsonl.gz', bytes('first'));
      await storage.put('access_logs/x/b.jsonl.gz', bytes('second'));
      expect(await storage.get('access_logs/x/b.jsonl.gz')).toEqual(bytes('second'));
      expect(await storage.list('access_logs/')).toEqual(['access_logs/x/b.jsonl.gz']);
    });

    it('lists keys under a prefix, sorted, and nothing outside it', async () => {
      const storage = await create();
      await storage.put('access_logs/year=2025/month=01/day=10/hour=15/b', bytes('1'));
      await storage.put('access_logs/year=2025/month=01/day=10/hour=14/a', bytes('2'));
      await storage.put('rejects/rejects_1.jsonl.gz', bytes('3'));
      expect(await storage.list('access_logs/')).toEqual([
        'access_logs/year=2025/month=01/day=10/hour=14/a',
        'access_logs/year=2025/month=01/day=10/hour=15/b',
      ]);
      expect(await storage.list('access_logs/year=2025/month=01/day=10/hour=15/')).toEqual([
        'access_logs/year=2025/month=01/day=10/hour=15/b',
      ]);
      expect(await storage.list('rejects/')).toEqual(['rejects/rejects_1.jsonl.gz']);
      expect(await storage.list('nothing/')).toEqual([]);
    });

    it('deletes a key, and deleting a missing key is not an error', async () => {
      const storage = await create();
      await storage.put('rejects/r.jsonl.gz', bytes('x'));
      await storage.delete('rejects/r.jsonl.gz');
      await storage.delete('rejects/r.jsonl.gz');
      expect(await storage.get('rejects/r.jsonl.gz')).toBeUndefined();
    });

    it('creates a key only once with putIfAbsent and leaves the first body', async () => {
      const storage = await create();
      expect(await storage.putIfAbsent('batches/web-1_batch-0001.json', bytes('first'))).toBe(true);
      expect(await storage.putIfAbsent('batches/web-1_batch-0001.json', bytes('second'))).toBe(false);
      expect(await storage.get('batches/web-1_batch-0001.json')).toEqual(bytes('first'));
      expect(await storage.list('batches/')).toEqual(['batches/web-1_batch-0001.json']);
    });

    it('lets exactly one of ten concurrent putIfAbsent calls create the key', async () => {
      const storage = await create();
      const created = await Promise.all(
        Array.from({ length: 10 }, (_, i) => storage.putIfAbsent('batches/race.json', bytes(`body-${i}`))),
      );
      expect(created.filter(Boolean)).toHaveLength(1);
      expect(await storage.get('batches/race.json')).toEqual(bytes(`body-${created.indexOf(true)}`));
    });

    it.each(['../escape', 'a/../../b', '/absolute', 'a//b', 'a/./b', 'a b', 'a\\b', ''])(
      'refuses the unsafe key %j',
      async (key) => {
        const storage = await create();
        await expect(storage.put(key, bytes('x'))).rejects.toBeInstanceOf(InvalidKeyError);
      },
    );
  });
}
