/**
 * Picks and prepares the next batch: first a write-ahead range left by a crash, sent again byte for byte
 * under its recorded key; otherwise the first file whose unsent lines are due (rotated files first, as
 * their lines are older; then the files in turn). The batch is read into the reader's one buffer and
 * gzipped at once, so what waits for the sender is the small compressed copy.
 */
import type { FileHandle } from 'node:fs/promises';
import type { GzipCodec } from '../../lib/gzip/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import { type BatchTooLargeError, IngestRejectedError } from '../errors.ts';
import { batchKey, checksumAt, fingerprintMatches } from '../identity/identity.ts';
import type { ResolvedAgentOptions } from '../options.ts';
import { decideFormat, type FormatChoiceOptions, type FormatDecision } from '../reading/format-choice.ts';
import { BatchReader, type LineBatch, RangeGoneError } from '../reading/reader.ts';
import { advanceAnchor, positionFields, type TrackedFile } from '../rotation/tracked-file.ts';
import type { FileTracker } from '../rotation/tracker.ts';
import type { FileEntry } from '../state/schema.ts';
import { type BatchPolicy, dueReason } from './batch-due.ts';
import { HeldBatches } from './held-batches.ts';

export interface PreparedBatch {
  entry: FileEntry;
  batchId: string;
  format: string;
  start: number;
  end: number;
  lines: number;
  cutLines: number;
  rawBytes: number;
  /** gzip bytes. */
  body: Uint8Array;
  /** Checksum of the file's bytes just before `end`, taken as they were read (committed with it). */
  checksum: string;
}

export class BatchBuilder {
  private readonly reader: BatchReader;
  /** `--batch-bytes`, halved after a 413. */
  private batchBytes: number;
  private cursor = 0;
  /** Bodies of batches sent and not yet taken, resent as they are (held-batches.ts). */
  private readonly held = new HeldBatches<PreparedBatch>();

  constructor(
    private readonly tracker: FileTracker,
    private readonly gzip: GzipCodec,
    private readonly o: ResolvedAgentOptions & FormatChoiceOptions,
    private readonly logger: Logger,
    /** Whether the file's failing batch is still waiting out its backoff. */
    private readonly backingOff: (entry: FileEntry, now: number) => boolean = () => false,
  ) {
    this.reader = new BatchReader(o.batchBytes);
    this.batchBytes = o.batchBytes;
  }

  /**
   * The next batch, or null when nothing is due. `stopping` makes every complete line due;
   * `inFlight` is the entry whose pending range is being sent right now.
   */
  async next(now: number, stopping: boolean, inFlight: FileEntry | undefined): Promise<PreparedBatch | null> {
    // Called with no batch prepared and unsent: every body held for no pending range is let go.
    this.held.sweep();
    const resent = await this.resendPending(inFlight, now);
    if (resent) return resent;
    const files = this.tracker.files;
    const policy: BatchPolicy = {
      maxBytes: this.batchBytes,
      maxLines: this.o.batchLines,
      maxAgeMs: this.o.batchAgeMs,
    };
    const limits = {
      maxBytes: this.batchBytes,
      maxLines: this.o.batchLines,
      maxLineBytes: this.o.maxLineBytes,
    };
    this.cursor = (this.cursor + 1) % Math.max(1, files.length);
    const order = [...files.slice(this.cursor), ...files.slice(0, this.cursor)];
    order.sort((a, b) => Number(b.entry.rotated) - Number(a.entry.rotated));
    for (const file of order) {
      if (!file.handle || file.size <= file.readPos) continue;
      // A file whose batch is pending and not in flight sends that batch again first (after its backoff).
      if (file.entry.pending && file.entry !== inFlight) continue;
      // A rotated file quiet for the grace period will not grow: its last line is complete as it is.
      const final = file.entry.rotated && now - file.lastGrowthAt >= this.o.rotatedGraceMs;
      if (file.waitingAtSize === file.size && !final) continue;
      const unsent = {
        bytes: file.size - file.readPos,
        lines: file.lines?.lines,
        oldestAt: file.arrivals.oldestSince(file.readPos),
      };
      if (!dueReason(unsent, policy, now, stopping || final)) continue;
      const decision = await this.decide(file);
      if (decision.kind !== 'ready') {
        file.waitingAtSize = file.size;
        continue;
      }
      let batch: LineBatch | null;
      try {
        batch = await this.reader.read(file.handle, file.readPos, file.size, limits, final);
      } catch (error) {
        // A file that fails to read (EIO, a vanished network mount) is stopped alone.
        await this.tracker.stopFile(file, `cannot read it: ${(error as Error).message}`);
        continue;
      }
      if (!batch) {
        file.waitingAtSize = file.size;
        continue;
      }
      const checksum = await checksumAt(file.handle, batch.end);
      // Truncated or refilled since the last look (perhaps before this read): the batch may hold the
      // new content under the old offsets. Dropped; the next look sees the change and places both.
      if (checksum === undefined || !(await stillHolds(file))) continue;
      file.readPos = batch.end;
      advanceAnchor(file, { end: batch.end, checksum });
      this.logger.debug('position', positionFields(file));
      file.lines?.consume(batch.end, batch.lines);
      return this.compress(
        file.entry,
        decision.format,
        batch,
        batchKey(file.entry.id, batch.start, batch.end),
        checksum,
      );
    }
    return null;
  }

  /** A pending range not in flight: the agent stopped before ingest's answer. Same bytes, same key. */
  private async resendPending(inFlight: FileEntry | undefined, now: number): Promise<PreparedBatch | null> {
    // A copy: a file that fails to read is stopped, which takes it out of the list.
    for (const file of [...this.tracker.files]) {
      const pending = file.entry.pending;
      if (!pending || inFlight === file.entry || this.backingOff(file.entry, now)) continue;
      const held = this.held.pendingOf(file.entry);
      if (held) {
        // The bytes of the first attempt, whatever became of the file since.
        this.logger.info('sending again the batch ingest did not take', {
          path: file.entry.path,
          batchId: pending.batchId,
          start: pending.start,
          end: pending.end,
        });
        return held;
      }
      // Sent before under the format chosen then (kept in the state); decided now after an upgrade.
      const decision = await this.decide(file);
      if (decision.kind !== 'ready') continue;
      try {
        if (!file.handle) throw new RangeGoneError('its content is gone');
        const batch = await this.reader.readRange(
          file.handle,
          pending.start,
          pending.end,
          this.o.maxLineBytes,
        );
        const checksum = await this.checksum(file.handle, batch);
        // Not the bytes sent before (refilled under the range): never sent under that key. The tracker's
        // next look sees the anchor changed and moves the entry to the copy that holds them.
        if (pending.checksum !== undefined && checksum !== pending.checksum) continue;
        file.readPos = Math.max(file.readPos, pending.end);
        advanceAnchor(file, { end: pending.end, checksum });
        this.logger.debug('position', positionFields(file));
        file.lines?.reset(file.readPos);
        this.logger.info(
          'sending again the batch that was in flight when the agent stopped or ingest did not take it',
          {
            path: file.entry.path,
            batchId: pending.batchId,
            start: pending.start,
            end: pending.end,
          },
        );
        return await this.compress(file.entry, decision.format, batch, pending.batchId, checksum);
      } catch (error) {
        if (!(error instanceof RangeGoneError)) {
          await this.tracker.stopFile(file, `cannot read its pending batch: ${(error as Error).message}`);
          continue;
        }
        // Truncated under the range (copytruncate while the batch waited for a retry): the tracker's next
        // look sees the file shorter than its anchor and moves the entry, range included, to the copy.
        if (file.handle && pending.checksum !== undefined) continue;
        this.tracker.lose(
          file.entry,
          pending.end - pending.start,
          `no longer holds the batch that was in flight (${error.message})`,
        );
        file.entry.pending = null;
      }
    }
    return null;
  }

  /**
   * The file's format (format-choice.ts). A file whose lines fit no format, or whose first lines cannot
   * be read, is stopped alone through the tracker (stopped.ts), its reason in `agent status`; it is
   * tried again at the next start.
   */
  private async decide(file: TrackedFile): Promise<FormatDecision> {
    let decision: FormatDecision;
    try {
      decision = await decideFormat(file, this.o, this.logger);
    } catch (error) {
      // Reading the first lines failed (EIO, a vanished mount): stopped alone, as a failed batch read is.
      decision = { kind: 'stopped', reason: `cannot read it: ${(error as Error).message}` };
    }
    if (decision.kind === 'stopped') await this.tracker.stopFile(file, decision.reason);
    return decision;
  }

  /** The checksum before the batch's end, read right after the batch itself. */
  private async checksum(handle: FileHandle, batch: LineBatch): Promise<string> {
    const checksum = await checksumAt(handle, batch.end);
    if (checksum === undefined)
      throw new RangeGoneError(`the file shrank below ${batch.end} while being read`);
    return checksum;
  }

  private async compress(
    entry: FileEntry,
    format: string,
    batch: LineBatch,
    batchId: string,
    checksum: string,
  ): Promise<PreparedBatch> {
    // The reader's buffer is reused by the next read; gzip copies it into a new, smaller one first.
    const body = await this.gzip.gzip(batch.body, this.o.gzipLevel);
    const prepared: PreparedBatch = {
      entry,
      batchId,
      format,
      start: batch.start,
      end: batch.end,
      lines: batch.lines,
      cutLines: batch.cutLines,
      rawBytes: batch.body.length,
      body,
      checksum,
    };
    this.held.hold(prepared);
    return prepared;
  }

  /**
   * After a 413 (nothing of the batch was stored): halve the batch size and read the file again from the
   * batch's start. Returns the error to stop with when the batch cannot get smaller.
   */
  shrink(batch: PreparedBatch, error: BatchTooLargeError): IngestRejectedError | undefined {
    const file = this.tracker.find(batch.entry);
    const smaller = Math.max(this.o.maxLineBytes + 1, Math.floor(batch.rawBytes / 2));
    if (batch.lines <= 1 || !file?.handle || smaller >= this.batchBytes) {
      return new IngestRejectedError(
        413,
        `${error.message}, and it cannot be split further: raise the ingest's --max-body-bytes / ` +
          "--max-decompressed-bytes or lower the agent's --max-line-bytes",
      );
    }
    this.batchBytes = smaller;
    this.logger.warn('ingest found the batch too large (413): sending smaller batches from now on', {
      batchBytes: smaller,
      hint: "lower --batch-bytes or raise the ingest's --max-body-bytes",
    });
    batch.entry.pending = null;
    file.readPos = batch.start;
    file.waitingAtSize = undefined;
    file.lines?.reset(batch.start);
    return undefined;
  }
}

/**
 * Whether the file still holds what the agent knew of it after a read: it is no shorter than the size
 * the last look saw (a log only grows: a shorter file was truncated, perhaps refilled with the same
 * first lines, and the read may hold the new content under the old entry's offsets), it starts with its
 * fingerprinted bytes, and it holds the bytes seen before that size and read before its anchor.
 */
async function stillHolds(file: TrackedFile): Promise<boolean> {
  const handle = file.handle!;
  if ((await handle.stat()).size < file.size) return false;
  if (!(await fingerprintMatches(handle, file.entry))) return false;
  if ((await checksumAt(handle, file.seen.end)) !== file.seen.checksum) return false;
  return (await checksumAt(handle, file.anchor.end)) === file.anchor.checksum;
}
