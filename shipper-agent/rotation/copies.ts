/**
 * Copies of a file being read, remembered as its content. A scan that finds a sibling holding a tracked
 * file's first bytes and the bytes the agent read there skips it as a copy (logrotate's copytruncate
 * made it, and the truncate has not come yet). Its lines are shipped from the original, up to where the
 * agent reads it, and from the copy the truncation then moves the entry to, beyond. So the copy is
 * retired at once as that content (the original's id, committed to its size): kept in the state, it is
 * known by its inode to every later scan and to a restarted agent, even once the original has been
 * truncated and no longer tells it (a copy shorter than what the agent went on to read is no truncation's
 * copy) and a rename has given it a new ctime. Without this it would look like a rotated file never
 * shipped, and be read again from 0 (chaos seed 900006).
 */
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Candidate, inodeKey } from '../finding/candidates.ts';
import { checksumAt } from '../identity/identity.ts';
import type { FileEntry } from '../state/schema.ts';
import { listFiles } from './locate.ts';

/**
 * The retired entry for `c`, a copy of `of`'s content up to the candidate's size (`checksum`: of the
 * bytes before it). Undefined for a copy too short to be told by the fingerprint.
 */
export function copyRecord(of: FileEntry, c: Candidate, checksum: string | undefined): FileEntry | undefined {
  if (checksum === undefined || c.stats.size < of.fingerprintBytes) return undefined;
  return {
    ...of,
    path: c.path,
    dev: c.stats.dev,
    ino: c.stats.ino,
    committed: c.stats.size,
    checksum,
    size: c.stats.size,
    pending: null,
    rotated: true,
    copy: true,
    seen: null,
  };
}

/**
 * `truncated` lost its content, read up to `readPos`: its copies that the entry does not continue in
 * (`continuedIn`) and that grew since a scan recorded them (a copy still being written) are recorded at
 * their size now, when all of it was read from the original. Offsets in bytes.
 */
export async function settleCopies(
  retired: readonly FileEntry[],
  truncated: FileEntry,
  readPos: number,
  continuedIn: { dev: number; ino: number } | undefined,
): Promise<void> {
  const copies = retired.filter(
    (e) => e.copy && e.id === truncated.id && !(e.dev === continuedIn?.dev && e.ino === continuedIn.ino),
  );
  if (copies.length === 0) return;
  // Where each copy's inode is now (logrotate may have renamed it): one listing for them all.
  const dir = dirname(truncated.path);
  const pathOf = new Map([...(await listFiles(dir))].map(([name, key]) => [key, join(dir, name)]));
  for (const copy of copies) {
    const path = pathOf.get(inodeKey(copy));
    if (!path) continue;
    const handle = await open(path, 'r').catch(() => undefined);
    if (!handle) continue;
    try {
      const { size, dev, ino } = await handle.stat();
      if (dev !== copy.dev || ino !== copy.ino || size <= copy.committed || size > readPos) continue;
      // Still the copy recorded: the bytes before the recorded end unchanged.
      if ((await checksumAt(handle, copy.committed)) !== copy.checksum) continue;
      const checksum = await checksumAt(handle, size);
      if (checksum === undefined) continue;
      Object.assign(copy, { path, committed: size, size, checksum });
    } finally {
      await handle.close();
    }
  }
}
