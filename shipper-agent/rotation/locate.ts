/**
 * Finds where a known file's content lives now, among the files next to the path it was tailed under:
 * after a rename rotation it is the same dev+inode under a new name (`access.log.1`); after copytruncate
 * it is the copy, a different inode that holds the same bytes: the same first bytes and the same
 * bytes just before the offset the agent had read to (identity.ts `holdsContent`), so a file that only
 * starts alike is not taken for it. Used when a tracked file was truncated, and at start-up for files
 * the state knows but no scanned name holds.
 */
import type { Stats } from 'node:fs';
import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Fingerprint, holdsContent, startsWithHead } from '../identity/identity.ts';
import type { FileEntry } from '../state/schema.ts';

/** A directory with more files than this is not searched entirely: a log directory is smaller. */
const MAX_CANDIDATES = 2000;

export interface Located {
  path: string;
  handle: FileHandle;
  stats: Stats;
  /** Same dev+inode (renamed) rather than a copy. */
  sameInode: boolean;
}

export interface LocateOptions {
  /** The content must be there up to this offset, with `checksum` the checksum of the bytes before it. */
  end: number;
  checksum: string | null;
  /** Skip these `dev:ino` (files being read already, the truncated original). */
  exclude: ReadonlySet<string>;
  /**
   * The size the agent last saw the content at: files at least this long are tried first (a log only
   * grows; a copy made after that look holds all of it), then the newest. Several files can hold the
   * same first lines and the same bytes before an early offset (a refill and logrotate's copies of it).
   */
  sizeSeen?: number;
  /**
   * The file's first bytes as the agent saw them (tracked-file.ts `head`): a copy starts with them as
   * far as it reaches. A file that only repeats the first lines (a refill, or a copy of one) differs
   * after them, while the fingerprint and an anchor inside those lines cannot tell.
   */
  head?: Buffer;
}

/** Searches made at most while the directory keeps changing under the search. */
const MAX_SEARCHES = 5;

/**
 * Looks in the entry's directory for its content: the same inode with the same first bytes first, then
 * a copy with the same first bytes. The caller owns the returned handle.
 *
 * When nothing holds the content and the directory changed while it was searched (logrotate renames
 * `.1` to `.2` and copies again between the listing and the look at each name: the copy wanted is then
 * under a name the listing did not have), it searches again: a copy missed this way would otherwise be
 * counted lost, then found by the next scan as a new file and read from 0.
 */
export async function locateContent(
  entry: FileEntry & Fingerprint,
  options: LocateOptions,
): Promise<Located | undefined> {
  for (let search = 1; ; search++) {
    const { found, seen } = await searchOnce(entry, options);
    if (found || search >= MAX_SEARCHES) return found;
    if (sameFiles(seen, await listFiles(dirname(entry.path)))) return undefined;
  }
}

/** Name → `dev:ino` of the directory's entries now (names that vanish while listed are left out). */
export async function listFiles(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.slice(0, MAX_CANDIDATES)) {
    const stats = await stat(join(dir, name)).catch(() => undefined);
    if (stats) files.set(name, `${stats.dev}:${stats.ino}`);
  }
  return files;
}

function sameFiles(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([name, key]) => b.get(name) === key);
}

async function searchOnce(
  entry: FileEntry & Fingerprint,
  options: LocateOptions,
): Promise<{ found: Located | undefined; seen: Map<string, string> }> {
  const dir = dirname(entry.path);
  const names = await readdir(dir).catch(() => [] as string[]);
  // The file's own rotated names first: access.log.1, access.log-20250110.
  const own = basename(entry.path);
  names.sort((a, b) => Number(!a.startsWith(own)) - Number(!b.startsWith(own)) || a.localeCompare(b));
  const seen = new Map<string, string>();
  const candidates: Array<{ path: string; stats: Stats }> = [];
  for (const name of names.slice(0, MAX_CANDIDATES)) {
    const path = join(dir, name);
    const stats = await stat(path).catch(() => undefined);
    if (stats) seen.set(name, `${stats.dev}:${stats.ino}`);
    if (!stats?.isFile() || stats.size < options.end || stats.size < entry.fingerprintBytes) continue;
    if (options.exclude.has(`${stats.dev}:${stats.ino}`)) continue;
    candidates.push({ path, stats });
  }
  const sameInode = (s: Stats) => s.dev === entry.dev && s.ino === entry.ino;
  const longEnough = (s: Stats) => s.size >= (options.sizeSeen ?? 0);
  candidates.sort(
    (a, b) =>
      Number(sameInode(b.stats)) - Number(sameInode(a.stats)) ||
      Number(longEnough(b.stats)) - Number(longEnough(a.stats)) ||
      b.stats.ctimeMs - a.stats.ctimeMs,
  );
  for (const candidate of candidates) {
    // A copy can only be told by its first bytes: without any, a same-inode match is all there is.
    if (entry.fingerprintBytes === 0 && !sameInode(candidate.stats)) continue;
    const handle = await open(candidate.path, 'r').catch(() => undefined);
    if (!handle) continue;
    const stats = await handle.stat();
    const expected = { ...entry, checksum: options.checksum };
    const holds =
      (await holdsContent(handle, stats.size, expected, options.end).catch(() => false)) &&
      (await startsWithHead(handle, stats.size, options.head));
    if (holds) {
      return { found: { path: candidate.path, handle, stats, sameInode: sameInode(stats) }, seen };
    }
    await handle.close();
  }
  return { found: undefined, seen };
}
