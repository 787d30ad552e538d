import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { assertSafeKey, assertSafePrefix, type ObjectStorage, StorageError } from '../types.ts';

/**
 * A local folder as the lake, the default (`./lake`). Writes go to a temporary file in the same folder,
 * are fsynced, then renamed over the key, so readers (DuckDB, the CLI) never see half an object.
 */
export function createFileStorage(root: string): ObjectStorage {
  const base = resolve(root);
  const pathOf = (key: string) => {
    assertSafeKey(key);
    const path = resolve(base, key);
    // assertSafeKey already forbids "..", this is the belt to its braces.
    if (!path.startsWith(base + sep)) throw new StorageError(`key ${JSON.stringify(key)} escapes ${base}`);
    return path;
  };

  return {
    url: pathToFileURL(base).href,
    async put(key, body) {
      const path = pathOf(key);
      const tmp = join(dirname(path), `.tmp-${randomUUID()}`);
      try {
        await mkdir(dirname(path), { recursive: true });
        const handle = await open(tmp, 'w');
        try {
          await handle.writeFile(body);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(tmp, path);
      } catch (error) {
        await rm(tmp, { force: true }).catch(() => {});
        throw new StorageError(`cannot write ${path}: ${(error as Error).message}`, { cause: error });
      }
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(pathOf(key)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new StorageError(`cannot read ${key}: ${(error as Error).message}`, { cause: error });
      }
    },
    async list(prefix) {
      assertSafePrefix(prefix);
      // Walk only the folder the prefix names, then filter by the rest of it.
      const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      const keys: string[] = [];
      await walk(join(base, folder), base, keys);
      return keys.filter((key) => key.startsWith(prefix)).sort();
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}

async function walk(dir: string, base: string, out: string[]): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new StorageError(`cannot list ${dir}: ${(error as Error).message}`, { cause: error });
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, base, out);
    else if (entry.isFile() && !entry.name.startsWith('.tmp-'))
      out.push(relative(base, path).split(sep).join('/'));
  }
}
