/**
 * One file being tailed: its persisted entry, its open descriptor and the offsets between them
 * (committed ≤ readPos ≤ size), when its bytes appeared, and when it is done with. The set of files and
 * what rotation does to them is tracker.ts; this is the per-file bookkeeping both it and the loop use.
 */
import type { FileHandle } from 'node:fs/promises';
import { ArrivalClock, LineCounter } from '../batching/batch-due.ts';
import { EMPTY_CHECKSUM } from '../identity/identity.ts';
import type { FileEntry } from '../state/schema.ts';
import type { Phase } from './rotation.ts';

/** The checksum of the bytes just before `end`, as the agent read them (identity.ts `checksumAt`). */
export interface Anchor {
  end: number;
  checksum: string;
}

export interface TrackedFile {
  /** Persisted part; batches hold on to it, so it is only ever mutated, never replaced under them. */
  entry: FileEntry;
  /** Where rotation has taken it (rotation.ts); `entry.rotated` is true in every phase but `active`. */
  phase: Phase;
  /** What the file held just before the furthest offset read: a refill under it is seen by this. */
  anchor: Anchor;
  /**
   * What the file held just before the size a look saw (end 0 until a look takes it): a refill that
   * keeps the first lines and the bytes before `anchor` is seen by this.
   */
  seen: Anchor;
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
  /**
   * The file's first bytes as the agent saw them (up to identity.ts `HEAD_BYTES`): after a refill with
   * the same first lines, the lines the new content repeats are read again from it, so they are not lost.
   */
  head: Buffer;
}

/**
 * A file read from `entry.committed`, `size` bytes long, its bytes seen first at `seenAt`; `anchor`
 * describes the bytes before `committed` (or a later offset already read).
 */
export function newTrackedFile(
  entry: FileEntry,
  handle: FileHandle | null,
  size: number,
  seenAt: number,
  countLines: boolean,
  phase: Phase,
  anchor: Anchor,
): TrackedFile {
  entry.rotated = phase !== 'active';
  const file: TrackedFile = {
    entry,
    phase,
    anchor,
    seen: { end: 0, checksum: EMPTY_CHECKSUM },
    handle,
    readPos: entry.committed,
    size,
    lastGrowthAt: seenAt,
    arrivals: new ArrivalClock(),
    lines: countLines ? new LineCounter(entry.committed) : undefined,
    waitingAtSize: undefined,
    head: Buffer.alloc(0),
  };
  entry.size = size;
  file.arrivals.observe(size, seenAt);
  return file;
}

/**
 * The offsets the agent holds for a file's inode, logged at debug level as `position` whenever the size
 * it saw or the offset it read to moves: what a fault analysis needs to tell which bytes the agent knew
 * of when a truncation took them (test/chaos/loss-bound.ts). Offsets in bytes.
 */
export function positionFields(file: TrackedFile): {
  path: string;
  dev: number;
  ino: number;
  size: number;
  readPos: number;
} {
  const { path, dev, ino } = file.entry;
  return { path, dev, ino, size: file.size, readPos: file.readPos };
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
  fresh.rotated = false;
  Object.assign(file, {
    entry: fresh,
    phase: 'active',
    anchor: { end: 0, checksum: EMPTY_CHECKSUM },
    seen: { end: 0, checksum: EMPTY_CHECKSUM },
    readPos: 0,
    size,
    lastGrowthAt: now,
    arrivals: new ArrivalClock(),
    lines: countLines ? new LineCounter(0) : undefined,
    waitingAtSize: undefined,
    head: Buffer.alloc(0),
  });
  file.arrivals.observe(size, now);
}

/** Moves the file to `phase`, keeping the persisted `rotated` flag in step. */
export function setPhase(file: TrackedFile, phase: Phase): void {
  file.phase = phase;
  file.entry.rotated = phase !== 'active';
}

/** The reader moved past `end` having seen these bytes there: the anchor moves with it. */
export function advanceAnchor(file: TrackedFile, anchor: Anchor): void {
  if (anchor.end >= file.anchor.end) file.anchor = anchor;
}

/**
 * Whether the agent is done with the file: a rotated file read, shipped and unchanged for `graceMs`;
 * a file whose content is gone once its last batch is answered.
 */
export function isFinished(file: TrackedFile, now: number, graceMs: number): boolean {
  const shipped = !file.entry.pending && file.entry.committed >= file.readPos;
  if (!file.handle) return shipped;
  return (
    file.phase !== 'active' && shipped && file.readPos >= file.size && now - file.lastGrowthAt >= graceMs
  );
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
