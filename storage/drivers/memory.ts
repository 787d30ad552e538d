import { assertSafeKey, assertSafePrefix, type ObjectStorage } from '../types.ts';

/** In-process storage for tests. Holds copies, so a caller mutating its buffer changes nothing stored. */
export function createMemoryStorage(): ObjectStorage & { readonly objects: Map<string, Uint8Array> } {
  const objects = new Map<string, Uint8Array>();
  return {
    url: 'memory://',
    objects,
    async put(key, body) {
      assertSafeKey(key);
      objects.set(key, body.slice());
    },
    async putIfAbsent(key, body) {
      assertSafeKey(key);
      if (objects.has(key)) return false;
      objects.set(key, body.slice());
      return true;
    },
    async get(key) {
      assertSafeKey(key);
      return objects.get(key)?.slice();
    },
    async list(prefix) {
      assertSafePrefix(prefix);
      return [...objects.keys()].filter((key) => key.startsWith(prefix)).sort();
    },
    async delete(key) {
      assertSafeKey(key);
      objects.delete(key);
    },
  };
}
