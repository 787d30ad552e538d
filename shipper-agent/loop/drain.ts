/**
 * Reading positions the loop moves back or waits on: a prepared batch that is not sent now gives its
 * range back to its file, and a stop waits until no complete line is left unsent.
 */
import type { PreparedBatch } from '../batching/batch-builder.ts';
import type { TrackedFile } from '../rotation/tracked-file.ts';
import type { FileTracker } from '../rotation/tracker.ts';

/** A prepared batch that will not be sent now: its file reads from the batch's start again. */
export function rewind(tracker: FileTracker, batch: PreparedBatch): void {
  const file = tracker.find(batch.entry);
  if (!file || file.readPos !== batch.end) return;
  file.readPos = batch.start;
  file.waitingAtSize = undefined;
  file.lines?.reset(batch.start);
}

/**
 * While stopping: every open file is read to its end, except a partial last line (no newline yet),
 * which is waited for until `partialDeadline` (ms since the epoch).
 */
export function linesDrained(files: readonly TrackedFile[], now: number, partialDeadline: number): boolean {
  let partial = false;
  for (const f of files) {
    if (!f.handle || f.size <= f.readPos) continue;
    if (f.waitingAtSize !== f.size) return false;
    partial = true;
  }
  return !partial || now >= partialDeadline;
}
