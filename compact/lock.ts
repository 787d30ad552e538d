/**
 * One compaction at a time on a folder lake: a lock on `<lake>/compaction` (proper-lockfile, a `mkdir`
 * lock refreshed while held and taken over when stale, so a killed run blocks the next one for seconds
 * only). An S3 lake relies on the Lambda's reserved concurrency of 1 instead (docs/architecture.md).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { AccessLakeError } from '../lib/errors/index.ts';

export class CompactionBusyError extends AccessLakeError {}

/** Takes the lock or throws CompactionBusyError; returns its release. */
export async function lockFolderLake(root: string, stateFolder: string): Promise<() => Promise<void>> {
  const dir = join(root, stateFolder);
  await mkdir(dir, { recursive: true });
  try {
    // A stale lock (its holder killed) is taken over after 5 s without a refresh; a busy one is waited
    // for about as long before giving up.
    return await lockfile.lock(dir, {
      lockfilePath: join(dir, 'lock'),
      stale: 5_000,
      update: 1_000,
      retries: { retries: 12, minTimeout: 500, maxTimeout: 1_000 },
    });
  } catch (error) {
    throw new CompactionBusyError(
      `another compaction holds ${join(dir, 'lock')}; wait for it (a killed one's lock expires after 5 s)`,
      { cause: error },
    );
  }
}
