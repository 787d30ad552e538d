/** Reads what a batch left in storage, decompressed, for assertions. */
import { gunzipSync } from 'node:zlib';
import type { ObjectStorage } from '../../storage/index.ts';

export async function readJsonLines(storage: ObjectStorage, key: string): Promise<Record<string, unknown>[]> {
  const bytes = await storage.get(key);
  if (!bytes) throw new Error(`no object at ${key}`);
  return gunzipSync(bytes)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export async function readAllRecords(
  storage: ObjectStorage,
  prefix = 'access_logs/',
): Promise<Record<string, unknown>[]> {
  const records: Record<string, unknown>[] = [];
  for (const key of await storage.list(prefix)) records.push(...(await readJsonLines(storage, key)));
  return records;
}
