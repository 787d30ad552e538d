/**
 * Batches ingest has not taken yet (5xx, network errors, timeouts), one per file at most: the stuck
 * range, how many attempts it took so far, the last error, and when it is tried again. Kept in the
 * state, so `agent status` (and anything polling it) shows a failing batch while it fails, and each
 * file backs off on its own: while one file's batch keeps failing, the other files keep shipping.
 */
import type { AgentState, FailingBatch, FileEntry } from './schema.ts';

export type { FailingBatch } from './schema.ts';

export class FailingBatches {
  constructor(private readonly state: Pick<AgentState, 'failing' | 'lastError'>) {}

  /** Attempts already made for this batch (0 when it has not failed). */
  attempts(entry: FileEntry, batchId: string): number {
    return this.find(entry)?.batchId === batchId ? this.find(entry)!.attempts : 0;
  }

  /** An attempt failed: record it, and when to try again. Also the state's `lastError`. */
  failed(
    entry: FileEntry,
    batch: { batchId: string; start: number; end: number },
    failure: { reason: string; attempts: number; delayMs: number },
    now: number,
  ): void {
    const at = new Date(now).toISOString();
    const record: FailingBatch = {
      fileId: entry.id,
      path: entry.path,
      batchId: batch.batchId,
      start: batch.start,
      end: batch.end,
      attempts: failure.attempts,
      since: this.find(entry)?.batchId === batch.batchId ? this.find(entry)!.since : at,
      lastError: failure.reason,
      retryAt: new Date(now + failure.delayMs).toISOString(),
    };
    this.state.failing = [...this.state.failing.filter((f) => f.fileId !== entry.id), record];
    this.state.lastError = {
      at,
      message:
        `batch ${batch.start}-${batch.end} of ${entry.path} not taken by ingest after ${failure.attempts} ` +
        `attempt(s): ${failure.reason}; trying again at ${record.retryAt}, other files keep shipping`,
    };
  }

  /** Shipped, or not to be sent under that key any more. */
  clear(entry: FileEntry): void {
    if (this.find(entry)) this.state.failing = this.state.failing.filter((f) => f.fileId !== entry.id);
  }

  /** After another file's batch was acknowledged (which clears `lastError`): a failure still on shows. */
  keepLastError(): void {
    const still = this.state.failing.at(-1);
    if (still && !this.state.lastError)
      this.state.lastError = {
        at: new Date().toISOString(),
        message: `batch ${still.start}-${still.end} of ${still.path} not taken by ingest after ${still.attempts} attempt(s): ${still.lastError}`,
      };
  }

  /** Whether the file's failing batch waits for its backoff at `now`. */
  waiting(entry: FileEntry, now: number): boolean {
    const failing = this.find(entry);
    return failing !== undefined && Date.parse(failing.retryAt) > now;
  }

  /** The earliest retry still ahead of `now`, or Infinity (one already due is the picker's now). */
  nextRetryAt(now: number): number {
    let at = Number.POSITIVE_INFINITY;
    for (const f of this.state.failing) {
      const retryAt = Date.parse(f.retryAt);
      if (retryAt > now) at = Math.min(at, retryAt);
    }
    return at;
  }

  /**
   * Forgets failures whose batch is no longer pending on a tracked file (its file was let go, stopped,
   * or its range given up as lost), so status shows only batches that are still stuck.
   */
  prune(tracked: readonly FileEntry[]): void {
    const pending = new Set(tracked.flatMap((e) => (e.pending ? [`${e.id}:${e.pending.batchId}`] : [])));
    const kept = this.state.failing.filter((f) => pending.has(`${f.fileId}:${f.batchId}`));
    if (kept.length !== this.state.failing.length) this.state.failing = kept;
  }

  private find(entry: FileEntry): FailingBatch | undefined {
    return this.state.failing.find((f) => f.fileId === entry.id);
  }
}
