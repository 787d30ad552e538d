/**
 * Reads batches of whole lines from a file by byte offset. Lines come out byte for byte as nginx wrote
 * them; nothing is decoded. A partial last line is left for later (it waits for its newline), except at
 * the end of a file that will never grow again (a rotated file being let go), where it is a line of its
 * own. A line longer than `maxLineBytes` is cut to that many bytes, ended with a newline and counted:
 * its rest is skipped up to its newline, never merged with the next line.
 *
 * One buffer of `capacity` bytes is reused for every batch, so memory stays at one batch however far
 * behind the agent is: the log file itself is the buffer.
 */
import type { FileHandle } from 'node:fs/promises';
import { AccessLakeError } from '../../lib/errors/index.ts';

const NEWLINE = 0x0a;
const SCAN_CHUNK_BYTES = 64 * 1024;

export interface ReadLimits {
  /** Bytes of file read into one batch at most. Must exceed `maxLineBytes`. */
  maxBytes: number;
  /** Lines per batch at most. */
  maxLines: number;
  /** Longer lines are cut to this many bytes (plus their newline). */
  maxLineBytes: number;
}

/** A run of whole lines: the file bytes [start, end) as they go on the wire. */
export interface LineBatch {
  start: number;
  end: number;
  /**
   * The lines, each ending in `\n`. A view into the reader's buffer: valid until the next read, so
   * compress it first.
   */
  body: Buffer;
  lines: number;
  /** Lines cut at `maxLineBytes`. */
  cutLines: number;
}

/** The file no longer holds the bytes of a range sent before (it was truncated or replaced). */
export class RangeGoneError extends AccessLakeError {}

export class BatchReader {
  private readonly buffer: Buffer;
  private readonly scratch = Buffer.allocUnsafe(SCAN_CHUNK_BYTES);

  /** `capacity`: the largest batch in bytes (`--batch-bytes`). */
  constructor(readonly capacity: number) {
    // +1: a last line without its newline gets one appended.
    this.buffer = Buffer.allocUnsafe(capacity + 1);
  }

  /**
   * The next batch of complete lines starting at `start`, reading no further than `fileEnd`. `final`
   * says the file will not grow again, so a last line without a newline is complete. Returns null when
   * no complete line is there yet.
   */
  read(
    handle: FileHandle,
    start: number,
    fileEnd: number,
    limits: ReadLimits,
    final: boolean,
  ): Promise<LineBatch | null> {
    return this.collect(handle, this.buffer, start, fileEnd, limits, final);
  }

  /**
   * Exactly the range [start, end) read before, split the same way, for sending a batch again after a
   * crash: the same bytes under the same key. Throws {@link RangeGoneError} when the file no longer
   * holds them.
   */
  async readRange(handle: FileHandle, start: number, end: number, maxLineBytes: number): Promise<LineBatch> {
    const length = end - start;
    const buffer = length < this.capacity ? this.buffer : Buffer.allocUnsafe(length + 1);
    const limits = { maxBytes: length, maxLines: Number.POSITIVE_INFINITY, maxLineBytes };
    const batch = await this.collect(handle, buffer, start, end, limits, true);
    if (!batch || batch.end !== end) {
      throw new RangeGoneError(
        `the file no longer holds bytes ${start}-${end} (it was truncated or replaced)`,
      );
    }
    return batch;
  }

  private async collect(
    handle: FileHandle,
    buffer: Buffer,
    start: number,
    fileEnd: number,
    limits: ReadLimits,
    final: boolean,
  ): Promise<LineBatch | null> {
    const want = Math.max(0, Math.min(limits.maxBytes, fileEnd - start, buffer.length - 1));
    const n = await readInto(handle, buffer, want, start);
    // Nothing beyond these bytes belongs to this read: the file ends here (or shrank under us).
    const atEnd = n < want || start + n >= fileEnd;
    const view = buffer.subarray(0, n);
    let pos = 0;
    let out = 0;
    let lines = 0;
    let cutLines = 0;
    let end = start;

    while (lines < limits.maxLines) {
      const newline = view.indexOf(NEWLINE, pos);
      if (newline === -1) {
        const tail = n - pos;
        if (tail === 0) break;
        if (tail > limits.maxLineBytes) {
          // An overlong line whose end lies beyond this read. Close the batch before it; as the first
          // line of a batch, keep its head and skip the rest up to its newline.
          if (lines > 0) break;
          const newlineAt = await this.findNewline(handle, start + n, fileEnd);
          if (newlineAt === -1 && !final) return null;
          buffer[limits.maxLineBytes] = NEWLINE;
          return {
            start,
            end: newlineAt === -1 ? fileEnd : newlineAt + 1,
            body: buffer.subarray(0, limits.maxLineBytes + 1),
            lines: 1,
            cutLines: 1,
          };
        }
        if (final && atEnd) {
          // The last line of a file that will not grow again: complete without its newline.
          if (out !== pos) buffer.copyWithin(out, pos, n);
          out += tail;
          buffer[out++] = NEWLINE;
          lines++;
          end = start + n;
        }
        break;
      }
      const length = newline - pos;
      if (length > limits.maxLineBytes) {
        buffer.copyWithin(out, pos, pos + limits.maxLineBytes);
        out += limits.maxLineBytes;
        buffer[out++] = NEWLINE;
        cutLines++;
      } else {
        if (out !== pos) buffer.copyWithin(out, pos, newline + 1);
        out += length + 1;
      }
      lines++;
      pos = newline + 1;
      end = start + pos;
    }
    if (lines === 0) return null;
    return { start, end, body: buffer.subarray(0, out), lines, cutLines };
  }

  /** The offset of the first newline in [from, to), or -1. Reads through a small scratch buffer. */
  private async findNewline(handle: FileHandle, from: number, to: number): Promise<number> {
    for (let offset = from; offset < to; ) {
      const length = Math.min(this.scratch.length, to - offset);
      const { bytesRead } = await handle.read(this.scratch, 0, length, offset);
      if (bytesRead === 0) return -1;
      const at = this.scratch.subarray(0, bytesRead).indexOf(NEWLINE);
      if (at !== -1) return offset + at;
      offset += bytesRead;
    }
    return -1;
  }
}

/** Reads up to `length` bytes at `position`, looping over short reads; fewer only at end of file. */
export async function readInto(
  handle: FileHandle,
  buffer: Buffer,
  length: number,
  position: number,
): Promise<number> {
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/**
 * Counts newlines in [from, to) through `scratch`: lets `--batch-lines` close a batch by line count
 * without holding the lines in memory.
 */
export async function countNewlines(
  handle: FileHandle,
  from: number,
  to: number,
  scratch: Buffer,
): Promise<{ lines: number; scannedTo: number }> {
  let lines = 0;
  let offset = from;
  while (offset < to) {
    const length = Math.min(scratch.length, to - offset);
    const { bytesRead } = await handle.read(scratch, 0, length, offset);
    if (bytesRead === 0) break;
    const view = scratch.subarray(0, bytesRead);
    for (let at = view.indexOf(NEWLINE); at !== -1; at = view.indexOf(NEWLINE, at + 1)) lines++;
    offset += bytesRead;
  }
  return { lines, scannedTo: offset };
}
