/**
 * Runs tasks one at a time per key, in arrival order, within this process. The ingest serialises the
 * requests of one (source, batch id): a retry that arrives while the first attempt is still writing waits
 * for it and then finds the batch stored, instead of racing it (and, on a storage failure, cleaning up
 * objects the other attempt was about to acknowledge).
 */
export interface KeyedLock {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Keys with a task running or waiting (for tests). */
  readonly size: number;
}

export function createKeyedLock(): KeyedLock {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async run(key, task) {
      const previous = tails.get(key) ?? Promise.resolve();
      const current = previous.then(task, task);
      const tail = current.catch(() => {});
      tails.set(key, tail);
      try {
        return await current;
      } finally {
        // The last task of a key removes it, so the map only holds keys in use.
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
    get size() {
      return tails.size;
    },
  };
}
