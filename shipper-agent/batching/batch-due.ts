/**
 * When a batch closes: at `maxBytes` of unsent data, at `maxLines` unsent lines, or when the oldest
 * unsent byte has waited `maxAgeMs`, whichever comes first. The unsent data stays in the log file until
 * then (the file is the buffer); only the time each stretch of bytes appeared is kept, in a few marks.
 */
import type { FileHandle } from 'node:fs/promises';
import { countNewlines } from '../reading/reader.ts';

export interface BatchPolicy {
  maxBytes: number;
  maxLines: number;
  maxAgeMs: number;
}

export type DueReason = 'bytes' | 'lines' | 'age' | 'drain';

const MAX_MARKS = 64;

/** When the bytes of a file became visible to the agent. */
export class ArrivalClock {
  private marks: Array<{ offset: number; at: number }> = [];

  /** The file was `size` bytes long at `now`. */
  observe(size: number, now: number): void {
    const last = this.marks[this.marks.length - 1];
    if (last && last.offset >= size) return;
    // Past the cap the newest mark stretches: later bytes then count as older and ship a little sooner.
    if (last && this.marks.length >= MAX_MARKS) last.offset = size;
    else this.marks.push({ offset: size, at: now });
  }

  /** When the first byte at or after `offset` appeared, or undefined if none has. */
  oldestSince(offset: number): number | undefined {
    while (this.marks.length > 0 && this.marks[0]!.offset <= offset) this.marks.shift();
    return this.marks[0]?.at;
  }

  reset(): void {
    this.marks = [];
  }
}

/** Whether the unsent data of a file forms a batch now, and why. */
export function dueReason(
  unsent: { bytes: number; lines: number | undefined; oldestAt: number | undefined },
  policy: BatchPolicy,
  now: number,
  draining: boolean,
): DueReason | undefined {
  if (unsent.bytes <= 0) return undefined;
  if (unsent.bytes >= policy.maxBytes) return 'bytes';
  if (unsent.lines !== undefined && unsent.lines >= policy.maxLines) return 'lines';
  if (draining) return 'drain';
  if (unsent.oldestAt !== undefined && now - unsent.oldestAt >= policy.maxAgeMs) return 'age';
  return undefined;
}

/**
 * Counts the unsent lines of one file as they arrive, for `--batch-lines`, reading through a small
 * scratch buffer. Used only when a line limit is set.
 */
export class LineCounter {
  private scannedTo: number;
  private count = 0;

  constructor(from: number) {
    this.scannedTo = from;
  }

  /** Unsent lines counted so far. */
  get lines(): number {
    return this.count;
  }

  async advance(handle: FileHandle, to: number, scratch: Buffer): Promise<void> {
    if (to <= this.scannedTo) return;
    const { lines, scannedTo } = await countNewlines(handle, this.scannedTo, to, scratch);
    this.count += lines;
    this.scannedTo = scannedTo;
  }

  /** A batch [.., end) of `lines` lines left the file. */
  consume(end: number, lines: number): void {
    if (this.scannedTo >= end) this.count = Math.max(0, this.count - lines);
    else this.reset(end);
  }

  reset(from: number): void {
    this.scannedTo = from;
    this.count = 0;
  }
}
