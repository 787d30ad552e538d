/**
 * One file being tailed: its persisted entry, its open descriptor and the offsets between them
 * (committed ≤ readPos ≤ size), when its bytes appeared, and when it is done with. The set of files and
 * what rotation does to them is tracker.ts; this is the per-file bookkeeping both it and the loop use.
 */
import type { FileHandle } from 'node:fs/promises';
import { ArrivalClock, LineCounter } from './batcher.ts';
import type { FileEntry } from './checkpoint.ts';

export interface TrackedFile {
  /** Persisted part; batches hold on to it, so it is only ever mutated, never replaced under them. */
  entry: FileEntry;
  /** Null when the content is gone (truncated, no copy): kept only until its last batch is answered. */
  handle: FileHandle | null;
  /** Next byte to put in a batch; between `committed` and `size`. */
  readPos: number;
  size: number;
  lastGrowthAt: number;
  arrivals: ArrivalClock;
  /** Only with --batch-lines. */
  lines: LineCounter | undefined;
  /** A read at this size found no complete line: try again once the file grows. */
  waitingAtSize: number | undefined;
}

/** A file read from `entry.committed`, `size` bytes long, its bytes seen first at `seenAt`. */
export function newTrackedFile(
  entry: FileEntry,
  handle: FileHandle | null,
  size: number,
  seenAt: number,
  countLines: boolean,
): TrackedFile {
  const file: TrackedFile = {
    entry,
    handle,
    readPos: entry.committed,
    size,
    lastGrowthAt: seenAt,
    arrivals: new ArrivalClock(),
    lines: countLines ? new LineCounter(entry.committed) : undefined,
    waitingAtSize: undefined,
  };
  entry.size = size;
  file.arrivals.observe(size, seenAt);
  return file;
}

/**
 * The file is `size` bytes long at `now`; new bytes appeared no earlier than `arrivedAt` (their batch
 * age counts from then). Returns whether it grew.
 */
export function observeSize(file: TrackedFile, size: number, now: number, arrivedAt: number): boolean {
  if (size <= file.size) return false;
  file.size = size;
  file.entry.size = size;
  file.lastGrowthAt = now;
  file.arrivals.observe(size, Math.min(now, arrivedAt));
  return true;
}

/** The same path and descriptor start over as a new file (`fresh`) at offset 0: after a truncation. */
export function restartTrackedFile(
  file: TrackedFile,
  fresh: FileEntry,
  size: number,
  now: number,
  countLines: boolean,
): void {
  Object.assign(file, {
    entry: fresh,
    readPos: 0,
    size,
    lastGrowthAt: now,
    arrivals: new ArrivalClock(),
    lines: countLines ? new LineCounter(0) : undefined,
    waitingAtSize: undefined,
  });
  file.arrivals.observe(size, now);
}

/**
 * Whether the agent is done with the file: a rotated file read, shipped and unchanged for `graceMs`;
 * a file whose content is gone once its last batch is answered.
 */
export function isFinished(file: TrackedFile, now: number, graceMs: number): boolean {
  const shipped = !file.entry.pending && file.entry.committed >= file.readPos;
  if (!file.handle) return shipped;
  return file.entry.rotated && shipped && file.readPos >= file.size && now - file.lastGrowthAt >= graceMs;
}

/**
 * When the file next needs the loop without any event: its unsent lines come due by age, or (rotated)
 * its grace period ends. Infinity when nothing is waiting.
 */
export function fileWakeAt(
  file: TrackedFile,
  now: number,
  timing: { batchAgeMs: number; rotatedGraceMs: number },
): number {
  if (!file.handle || file.size <= file.readPos) return Number.POSITIVE_INFINITY;
  const graceEnd = file.entry.rotated ? file.lastGrowthAt + timing.rotatedGraceMs : Number.POSITIVE_INFINITY;
  if (file.waitingAtSize === file.size) return graceEnd > now ? graceEnd : Number.POSITIVE_INFINITY;
  const oldest = file.arrivals.oldestSince(file.readPos);
  return Math.min(graceEnd, oldest === undefined ? Number.POSITIVE_INFINITY : oldest + timing.batchAgeMs);
}
