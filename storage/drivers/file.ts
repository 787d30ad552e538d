import { randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
// node:fs/promises only (its `constants` too): workerd's nodejs_compat bundle has no `node:fs` module.
import { constants, link, lstat, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../lib/errors/index.ts';
import { assertSafeKey, assertSafePrefix, type ObjectStorage, StorageError } from '../types.ts';

/**
 * A local folder as the lake, the default (`./lake`). Writes go to a temporary file in the same folder,
 * are fsynced, then renamed over the key (or linked, for a create-only write), so readers (DuckDB, the
 * CLI) never see half an object.
 *
 * Symlinks inside the lake are never followed: a folder on a key's path that is a symlink, or an object
 * that is one, fails with a StorageError instead of reading or writing where it points. The lake folder
 * itself may be a symlink (the operator chose it).
 */
/**
 * Throws `ConfigError` when `root` exists and is not a folder (nor a link to one): such storage could
 * never hold an object, so it is refused when created, not at the first write. A missing folder is fine
 * (the first write makes it), and so is a path under a file (ENOTDIR): the write that needs it says so.
 */
export async function assertLakeFolder(root: string): Promise<void> {
  const stats = await stat(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw new ConfigError(`${root}: cannot be read (${error.code ?? error.message})`, { cause: error });
  });
  if (stats && !stats.isDirectory())
    throw new ConfigError(`${root} is a file, not a folder: storage needs a folder (or s3://bucket/prefix)`);
}

export function createFileStorage(root: string): ObjectStorage {
  const base = resolve(root);
  const pathOf = (key: string) => {
    assertSafeKey(key);
    const path = resolve(base, key);
    // assertSafeKey already forbids "..", this is the belt to its braces.
    if (!path.startsWith(base + sep)) throw new StorageError(`key ${JSON.stringify(key)} escapes ${base}`);
    return path;
  };
  /** Checks (and with `create`, makes) each folder from the lake root to `folderKey`; false if one is missing. */
  const realFolders = async (folderKey: string, create: boolean): Promise<boolean> => {
    // The lake folder itself is the operator's choice: made with its parents, and may be a symlink.
    if (create) await mkdir(base, { recursive: true });
    let dir = base;
    for (const segment of folderKey === '' ? [] : folderKey.split('/')) {
      dir = join(dir, segment);
      for (;;) {
        const stats = await lstat(dir).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return undefined;
          throw error;
        });
        if (stats === undefined) {
          if (!create) return false;
          // EEXIST: another writer made it meanwhile; look at what it is.
          await mkdir(dir).catch((error: NodeJS.ErrnoException) => {
            if (error.code !== 'EEXIST') throw error;
          });
          continue;
        }
        if (stats.isSymbolicLink()) throw new SymlinkInLakeError(relative(base, dir), base);
        if (!stats.isDirectory()) throw new StorageError(`${dir} is not a folder`);
        break;
      }
    }
    return true;
  };
  const folderOf = (key: string) => (key.includes('/') ? key.slice(0, key.lastIndexOf('/')) : '');

  /** Writes `body` to a fsynced temporary file beside `path`, hands it to `place`, removes what is left. */
  const viaTemporary = async <T>(
    key: string,
    body: Uint8Array,
    durable: boolean,
    place: (tmp: string, path: string) => Promise<T>,
  ) => {
    const path = pathOf(key);
    const tmp = join(resolve(path, '..'), `.tmp-${randomUUID()}`);
    try {
      await realFolders(folderOf(key), true);
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(body);
        if (durable) await handle.sync();
      } finally {
        await handle.close();
      }
      return await place(tmp, path);
    } catch (error) {
      if (error instanceof StorageError) throw error;
      // ENAMETOOLONG: a name over NAME_MAX (255 bytes) or a path over PATH_MAX; the disk is fine.
      const refusedKey = (error as NodeJS.ErrnoException).code === 'ENAMETOOLONG';
      throw new StorageError(`cannot write ${path}: ${(error as Error).message}`, {
        cause: error,
        refusedKey,
      });
    } finally {
      await rm(tmp, { force: true }).catch(() => {});
    }
  };

  return {
    url: pathToFileURL(base).href,
    async put(key, body, options) {
      // rename(2) replaces a symlink at `path` itself, never the file it points to.
      await viaTemporary(key, body, options?.durable ?? true, (tmp, path) => rename(tmp, path));
    },
    async putIfAbsent(key, body, options) {
      // link(2) fails with EEXIST when anything (even a dangling symlink) has the name: atomic create-only.
      return viaTemporary(key, body, options?.durable ?? true, (tmp, path) =>
        link(tmp, path).then(
          () => true,
          (error: NodeJS.ErrnoException) => {
            if (error.code === 'EEXIST') return false;
            throw error;
          },
        ),
      );
    },
    async get(key) {
      const path = pathOf(key);
      try {
        if (!(await realFolders(folderOf(key), false))) return undefined;
        const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
        try {
          return new Uint8Array(await handle.readFile());
        } finally {
          await handle.close();
        }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return undefined;
        if (code === 'ELOOP') throw new SymlinkInLakeError(key, base, { cause: error });
        if (error instanceof StorageError) throw error;
        const refusedKey = code === 'ENAMETOOLONG';
        throw new StorageError(`cannot read ${key}: ${(error as Error).message}`, {
          cause: error,
          refusedKey,
        });
      }
    },
    async list(prefix) {
      assertSafePrefix(prefix);
      // Walk only the folder the prefix names, then filter by the rest of it.
      const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      const keys: string[] = [];
      if (!(await realFolders(folder, false))) return [];
      await walk(join(base, folder), base, keys);
      return keys.filter((key) => key.startsWith(prefix)).sort();
    },
    async delete(key) {
      const path = pathOf(key);
      // rm removes a symlink itself; the folders above it are checked so it cannot remove elsewhere.
      if (!(await realFolders(folderOf(key), false))) return;
      await rm(path, { force: true });
    },
  };
}

/** A symlink inside the lake folder: refused, so a planted link cannot read or write outside the lake. */
export class SymlinkInLakeError extends StorageError {
  constructor(relativePath: string, base: string, options: { cause?: unknown } = {}) {
    super(
      `refusing to follow the symlink ${JSON.stringify(relativePath)} inside the lake folder ${base}`,
      options,
    );
  }
}

async function walk(dir: string, base: string, out: string[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new StorageError(`cannot list ${dir}: ${(error as Error).message}`, { cause: error });
  }
  // Dirent types come from lstat: a symlink is neither a directory nor a file here, so it is not followed.
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, base, out);
    else if (entry.isFile() && !entry.name.startsWith('.tmp-'))
      out.push(relative(base, path).split(sep).join('/'));
  }
}
