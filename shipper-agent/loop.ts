/**
 * The loop that ties the agent together: look at the files (tracker), take the next due batch (picker),
 * record it in the state as pending (write-ahead), POST it (sender), and only after ingest's 200
 * advance the committed offset. One batch is in flight and at most one more is prepared: the agent never
 * reads further ahead than that, whatever the backlog or the length of an outage.
 */
import { dirname } from 'node:path';
import { describeError } from '../lib/errors/index.ts';
import type { GzipCodec } from '../lib/gzip/index.ts';
import type { Logger } from '../lib/log/index.ts';
import {
  type AgentState,
  acquireLock,
  ensureStateDir,
  loadState,
  recordShipped,
  type StateLock,
  saveState,
} from './checkpoint.ts';
import { compilePatterns } from './discovery.ts';
import { BatchTooLargeError } from './errors.ts';
import { createBatchCollector } from './memory.ts';
import type { ResolvedAgentOptions } from './options.ts';
import { BatchPicker, type PreparedBatch } from './picker.ts';
import { type IngestAnswer, RetriesStopped, type Sender } from './sender.ts';
import { type AgentStatus, statusFromState } from './status.ts';
import { FileTracker, type TrackedFile } from './tracker.ts';
import { Wakeup } from './wakeup.ts';
import { createDirectoryWatcher, type DirectoryWatcher } from './watcher.ts';

/** inotify can report every write; looking more often than this buys nothing. */
const MIN_LOOK_MS = 100;
/** State is also written this often while files change, so `agent status` shows a fresh lag. */
const STATUS_SAVE_MS = 5000;
/** While stopping, how often to look for a partial line's newline. */
const STOP_TICK_MS = 100;

export interface LoopDeps {
  sender: Sender;
  gzip: GzipCodec;
  logger: Logger;
}

export class AgentLoop {
  private state!: AgentState;
  private tracker!: FileTracker;
  private picker!: BatchPicker;
  private lock: StateLock | undefined;
  private watcher: DirectoryWatcher | undefined;
  private readonly patterns;
  private readonly wakeup = new Wakeup(MIN_LOOK_MS);
  private readonly collectGarbage = createBatchCollector();
  private prepared: PreparedBatch | null = null;
  private inFlight: PreparedBatch | null = null;
  private tooLarge: { batch: PreparedBatch; error: BatchTooLargeError } | null = null;
  private readonly abort = new AbortController();
  /** Aborted on stop(): a failed attempt is then not retried. */
  private readonly noRetry = new AbortController();
  /** Stopping, and ingest could not be reached: nothing more is sent this run. */
  private undeliverable = false;
  private stopRequestedAt: number | undefined;
  private stopped = false;
  private fatal: unknown;
  private lookDiscover = false;
  private lookChange = false;
  private nextPollAt = 0;
  private saveChain: Promise<void> = Promise.resolve();
  private lastSaveAt = 0;
  private savedSignature = '';
  /** Resolves when the loop has stopped cleanly; rejects with the error that stopped it. */
  finished: Promise<void> = Promise.resolve();

  constructor(
    private readonly o: ResolvedAgentOptions,
    private readonly deps: LoopDeps,
  ) {
    this.patterns = compilePatterns(o.files);
  }

  /** Takes the state directory, resumes from the state, looks at the files once, starts the loop. */
  async start(): Promise<void> {
    const { o, deps } = this;
    await ensureStateDir(o.stateDir);
    this.lock = await acquireLock(o.stateDir);
    try {
      this.state = await loadState(o.stateDir);
      this.state.agent = {
        pid: process.pid,
        startedAt: new Date().toISOString(),
        stoppedAt: null,
        endpoint: o.endpoint,
        source: o.source,
        format: o.format,
        patterns: this.patterns.map((p) => p.pattern),
      };
      const countLines = Number.isFinite(o.batchLines);
      const trackerOptions = {
        patterns: this.patterns,
        logger: deps.logger,
        readFrom: o.readFrom,
        countLines,
      };
      this.tracker = new FileTracker({ ...trackerOptions, rotatedGraceMs: o.rotatedGraceMs }, this.state);
      this.picker = new BatchPicker(this.tracker, deps.gzip, o, deps.logger);
      await this.look(Date.now(), true);
      const [problem] = this.tracker.startupErrors;
      if (problem) throw problem;
      this.watcher = createDirectoryWatcher((kind) => {
        if (kind === 'discover') this.lookDiscover = true;
        else this.lookChange = true;
        this.wakeup.soon();
      }, deps.logger);
      this.updateWatches();
      await this.save();
    } catch (error) {
      await this.tracker?.close();
      await this.lock.release();
      throw error;
    }
    deps.logger.info('agent started', {
      files: this.patterns.map((p) => p.pattern),
      endpoint: o.endpoint,
      stateDir: o.stateDir,
      source: o.source,
      format: o.format,
      batchBytes: o.batchBytes,
      batchAgeMs: o.batchAgeMs,
    });
    void deps.sender.checkAccess().then(
      (unreachable) => {
        if (unreachable)
          deps.logger.warn('cannot reach ingest yet; will keep retrying, lines wait in the log file', {
            endpoint: o.endpoint,
            reason: unreachable,
          });
      },
      (error: unknown) => this.die(error),
    );
    this.finished = this.run();
    this.finished.catch(() => {});
  }

  /** Sends what is complete (bounded by the shutdown timeout), writes the state, lets go of everything. */
  async stop(): Promise<void> {
    if (this.stopRequestedAt === undefined) {
      this.stopRequestedAt = Date.now();
      this.noRetry.abort();
      this.deps.logger.info('stopping: sending the lines read so far', {
        timeoutMs: this.o.shutdownTimeoutMs,
      });
      this.wakeup.notify();
    }
    await this.finished.catch(() => {});
  }

  status(): AgentStatus {
    const sizes = new Map(this.tracker.files.map((f) => [f.entry.id, f.size]));
    const state = { ...this.state, files: this.tracker.entries() };
    return statusFromState(state, this.o.stateDir, !this.stopped, sizes);
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        if (this.fatal) break;
        const now = Date.now();
        await this.maybeLook(now);
        if (this.tooLarge) this.shrink(this.tooLarge.batch, this.tooLarge.error);
        if (this.fatal) break;
        const stopping = this.stopRequestedAt !== undefined;
        if (stopping && (this.undeliverable || this.drained(now) || this.pastShutdownDeadline(now))) break;
        this.prepared ??= await this.picker.next(Date.now(), stopping, this.inFlight?.entry);
        // A 413 or a fatal error may have come in while preparing: deal with it before sending more.
        if (this.tooLarge || this.fatal) continue;
        if (this.prepared && !this.inFlight) {
          await this.dispatch(this.prepared);
          this.prepared = null;
          continue;
        }
        const moved = this.signature() !== this.savedSignature;
        if (moved && Date.now() - this.lastSaveAt >= STATUS_SAVE_MS) await this.save();
        await this.wakeup.sleepUntil(this.nextWakeAt(Date.now()));
      }
    } catch (error) {
      this.fatal ??= error;
    }
    await this.shutdown();
    if (this.fatal) throw this.fatal;
  }

  private die(error: unknown): void {
    this.fatal ??= error;
    this.wakeup.notify();
  }

  /** Looks at the files on directory events (throttled), and everything on each poll. */
  private async maybeLook(now: number): Promise<void> {
    const pollDue = now >= this.nextPollAt;
    if (this.stopRequestedAt !== undefined) this.lookChange = true;
    if (!pollDue && !((this.lookDiscover || this.lookChange) && now >= this.wakeup.nextLookAt())) return;
    const discover = pollDue || this.lookDiscover;
    this.lookDiscover = false;
    this.lookChange = false;
    await this.look(now, discover);
    if (discover) this.updateWatches();
  }

  private async look(now: number, discover: boolean): Promise<void> {
    await this.tracker.refresh(now, discover);
    this.wakeup.lastLookAt = now;
    if (discover) this.nextPollAt = now + this.o.pollIntervalMs;
  }

  /** Write-ahead, then send: the range and key are durable before the first byte leaves. */
  private async dispatch(batch: PreparedBatch): Promise<void> {
    batch.entry.pending = { batchId: batch.batchId, start: batch.start, end: batch.end, lines: batch.lines };
    await this.save();
    this.inFlight = batch;
    void this.sendAndCommit(batch).finally(() => {
      this.inFlight = null;
      this.wakeup.notify();
    });
  }

  private async sendAndCommit(batch: PreparedBatch): Promise<void> {
    let answer: IngestAnswer;
    try {
      answer = await this.deps.sender.send(
        {
          batchId: batch.batchId,
          format: batch.format,
          body: batch.body,
          lines: batch.lines,
          rawBytes: batch.rawBytes,
        },
        this.abort.signal,
        this.noRetry.signal,
      );
    } catch (error) {
      if (this.abort.signal.aborted) return; // stopping: the pending range is sent again at the next start
      if (error instanceof RetriesStopped) {
        this.undeliverable = true;
        this.deps.logger.warn(
          'stopping while ingest cannot be reached: the batch is sent at the next start',
          {
            batchId: batch.batchId,
            reason: error.reason,
          },
        );
        return;
      }
      if (error instanceof BatchTooLargeError) this.tooLarge = { batch, error };
      else this.die(error);
      return;
    }
    recordShipped(this.state, batch.entry, { ...batch, rejected: answer.rejected });
    this.logShipped(batch, answer);
    this.collectGarbage(batch.rawBytes);
    await this.save().catch((error: unknown) => this.die(error));
  }

  private logShipped(batch: PreparedBatch, answer: IngestAnswer): void {
    const log = this.deps.logger;
    const fields = {
      path: batch.entry.path,
      batchId: batch.batchId,
      lines: batch.lines,
      start: batch.start,
      end: batch.end,
    };
    if (batch.cutLines > 0)
      log.warn('cut lines longer than --max-line-bytes', {
        ...fields,
        cut: batch.cutLines,
        maxLineBytes: this.o.maxLineBytes,
      });
    if (answer.rejected > 0)
      log.warn('ingest rejected lines (kept under rejects/ with the reason): does --format match the log?', {
        ...fields,
        rejected: answer.rejected,
        format: batch.format,
      });
    log.debug('batch shipped', { ...fields, accepted: answer.accepted });
  }

  /** A 413: smaller batches from the rejected batch's start, or stop when it cannot get smaller. */
  private shrink(batch: PreparedBatch, error: BatchTooLargeError): void {
    this.tooLarge = null;
    const fatal = this.picker.shrink(batch, error);
    if (fatal) this.die(fatal);
    else if (this.prepared?.entry === batch.entry) this.prepared = null;
  }

  private pastShutdownDeadline(now: number): boolean {
    return this.stopRequestedAt !== undefined && now >= this.stopRequestedAt + this.o.shutdownTimeoutMs;
  }

  /** While stopping: nothing prepared or in flight, no complete line left, partial lines waited for. */
  private drained(now: number): boolean {
    if (this.prepared || this.inFlight) return false;
    let partial = false;
    for (const f of this.tracker.files) {
      if (!f.handle || f.size <= f.readPos) continue;
      if (f.waitingAtSize !== f.size) return false;
      partial = true;
    }
    return !partial || now >= this.stopRequestedAt! + this.o.partialLineWaitMs;
  }

  private nextWakeAt(now: number): number {
    let at = this.nextPollAt;
    if (this.stopRequestedAt !== undefined) at = Math.min(at, now + STOP_TICK_MS);
    if (this.lookDiscover || this.lookChange) at = Math.min(at, this.wakeup.nextLookAt());
    if (this.signature() !== this.savedSignature) at = Math.min(at, this.lastSaveAt + STATUS_SAVE_MS);
    // With a batch prepared, the next event that matters is the answer to the one in flight.
    if (!this.prepared) for (const f of this.tracker.files) at = Math.min(at, this.fileWakeAt(f, now));
    return Math.max(at, now + 5);
  }

  /** When a file's unsent lines come due by age, or a rotated file's grace period ends. */
  private fileWakeAt(f: TrackedFile, now: number): number {
    if (!f.handle || f.size <= f.readPos) return Number.POSITIVE_INFINITY;
    const graceEnd = f.entry.rotated ? f.lastGrowthAt + this.o.rotatedGraceMs : Number.POSITIVE_INFINITY;
    if (f.waitingAtSize === f.size) return graceEnd > now ? graceEnd : Number.POSITIVE_INFINITY;
    const oldest = f.arrivals.oldestSince(f.readPos);
    return Math.min(graceEnd, oldest === undefined ? Number.POSITIVE_INFINITY : oldest + this.o.batchAgeMs);
  }

  private updateWatches(): void {
    const dirs = new Set(this.patterns.map((p) => p.watchDir));
    for (const f of this.tracker.files) dirs.add(dirname(f.entry.path));
    this.watcher?.update(dirs);
  }

  /** Changes whenever a size or offset does: the periodic write is skipped while nothing moves. */
  private signature(): string {
    return this.tracker.files.map((f) => `${f.entry.id}:${f.size}:${f.entry.committed}`).join(',');
  }

  /** State writes, one at a time; each writes the state as it is when its turn comes. */
  private save(): Promise<void> {
    const write = async () => {
      this.state.files = this.tracker.entries();
      const signature = this.signature();
      await saveState(this.o.stateDir, this.state);
      this.savedSignature = signature;
      this.lastSaveAt = Date.now();
    };
    const result = this.saveChain.then(write, write);
    this.saveChain = result.catch(() => {});
    return result;
  }

  private async shutdown(): Promise<void> {
    this.watcher?.close();
    this.wakeup.close();
    if (this.inFlight) {
      this.abort.abort(new Error('agent stopping'));
      while (this.inFlight) await this.wakeup.sleepUntil(Date.now() + 50);
    }
    if (this.state.agent) this.state.agent.stoppedAt = new Date().toISOString();
    if (this.fatal) {
      this.state.lastError = { at: new Date().toISOString(), message: describeError(this.fatal) };
      this.deps.logger.error('agent stopped by an error', { error: this.fatal });
    }
    await this.save().catch((error: unknown) => this.deps.logger.error('cannot write the state', { error }));
    await this.tracker.close();
    await this.lock?.release();
    this.stopped = true;
    this.deps.logger.info('agent stopped', { linesShipped: this.state.totals.linesShipped });
  }
}
