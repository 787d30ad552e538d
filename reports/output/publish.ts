/**
 * Publishing a report all or nothing. The output is probed before any query runs, so an unwritable
 * `--out` costs no scan; files are then written one by one (each put is atomic in every storage driver)
 * and, if one fails, the ones already written are deleted again, so no reader finds half a report.
 */

import { describeError } from '../../lib/errors/index.ts';
import type { ObjectStorage } from '../../storage/index.ts';
import { ReportOutputError } from '../errors.ts';
import { REPORTS_PREFIX } from './layout.ts';

export interface ReportFile {
  key: string;
  body: Uint8Array;
  contentType: string;
}

/**
 * Writes and deletes a small object under `reports/`. Throws ReportOutputError naming the
 * output when either fails.
 */
export async function checkWritable(storage: ObjectStorage, runId: string): Promise<void> {
  // Next to the reports rather than in a folder of its own: the file driver leaves empty folders behind.
  const key = `${REPORTS_PREFIX}/.write-check-${runId}`;
  try {
    await storage.put(key, new TextEncoder().encode('accesslake report write check\n'), {
      contentType: 'text/plain',
    });
    await storage.delete(key);
  } catch (error) {
    throw new ReportOutputError(
      `cannot write the report to ${storage.url}: ${describeError(error)}; check that --out exists and is writable (for S3: s3:PutObject and s3:DeleteObject on the bucket)`,
      { cause: error },
    );
  }
}

/** Writes `files` in order; on a failure deletes what was written and throws ReportOutputError. */
export async function publishFiles(storage: ObjectStorage, files: readonly ReportFile[]): Promise<void> {
  const written: string[] = [];
  try {
    for (const file of files) {
      await storage.put(file.key, file.body, { contentType: file.contentType });
      written.push(file.key);
    }
  } catch (error) {
    const leftovers = await deleteAll(storage, written);
    const tail = leftovers.length ? `; could not remove ${leftovers.join(', ')}, delete them by hand` : '';
    throw new ReportOutputError(
      `writing the report to ${storage.url} failed, nothing was kept: ${describeError(error)}${tail}`,
      { cause: error },
    );
  }
}

/** Deletes `keys`, best effort; returns the keys that could not be deleted. */
export async function deleteAll(storage: ObjectStorage, keys: readonly string[]): Promise<string[]> {
  const failed: string[] = [];
  for (const key of keys) {
    await storage.delete(key).catch(() => failed.push(key));
  }
  return failed;
}
