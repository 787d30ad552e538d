/**
 * The agent's loop: look at the files (tracker), take the next due batch (batch-builder.ts), record it as
 * pending (write-ahead), POST it, and advance the committed offset only after ingest's 200. One batch is in
 * flight and at most one more prepared: it never reads further ahead, whatever the backlog or outage.
 */
import { dirname } from 'node:path';
import { describeError } from '../../lib/errors/index.ts';
import type { GzipCodec } from '../../lib/gzip/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import type { BatchBuilder, PreparedBatch } from '../batching/batch-builder.ts';
import { type DeliveryOutcome, deliver } from '../delivery/deliver.ts';
import type { Sender } from '../delivery/sender.ts';
import type { BatchTooLargeError } from '../errors.ts';
import { compilePatterns } from '../finding/discovery.ts';
import type { ResolvedAgentOptions } from '../options.ts';
import { fileWakeAt } from '../rotation/tracked-file.ts';
import type { FileTracker } from '../rotation/tracker.ts';
import type { FailingBatches } from '../state/failing-batches.ts';
import type { StateLock } from '../state/lock.ts';
import type { AgentState } from '../state/schema.ts';
import type { StateWriter } from '../state/state-writer.ts';
import { type AgentStatus, statusFromState } from '../status.ts';
import type { WakePolicy } from '../wake/wake-policy.ts';
import { Wakeup } from '../wake/wakeup.ts';
import { createDirectoryWatcher, type DirectoryWatcher, type WatcherFactory } from '../wake/watcher.ts';
import { announceStart, announceStop, nothingTailable } from './announce.ts';
import { linesDrained, rewind } from './drain.ts';
import { createPostBatchGc } from './memory.ts';
import { createLoopParts, resumeState } from './resume.ts';
import { setAsideUnsent, type UnsentOutcome } from './set-aside.ts';
import { loopWakePolicy, STOP_TICK_MS } from './wake.ts';

export interface LoopDeps {
  sender: Sender;
  gzip: GzipCodec;
  logger: Logger;
  /** Default: inotify through `fs.watch` (watcher.ts). */
  watch?: WatcherFactory;
}

export class AgentLoop {
  private state!: AgentState;
  private tracker!: FileTracker;
  private picker!: BatchBuilder;
  private lock: StateLock | undefined;
  private watcher: DirectoryWatcher | undefined;
  private readonly patterns;
  private readonly wakeup = new Wakeup();
  private readonly policy: WakePolicy;
  private writer!: StateWriter;
  private readonly collectGarbage = createPostBatchGc();
  private prepared: PreparedBatch | null = null;
  private inFlight: PreparedBatch | null = null;
  private tooLarge: { batch: PreparedBatch; error: BatchTooLargeError } | null = null;
  /** A batch whose attempt failed (retry after a backoff) or that ingest holds other bytes for (409). */
  private unsent: { batch: PreparedBatch; outcome: UnsentOutcome } | null = null;
  private failing!: FailingBatches;
  private readonly abort = new AbortController();
  /** Aborted on stop(): a failed attempt is then not retried. */
  private readonly noRetry = new AbortController();
  /** Stopping, and ingest could not be reached: nothing more is sent this run. */
  private undeliverable = false;
  private stopRequestedAt: number | undefined;
  private stopped = false;
  private fatal: unknown;
  /** The state's lines shipped when this run started: the stop says this run's lines apart. */
  private shippedBefore = 0;
  /** Resolves when the loop has stopped cleanly; rejects with the error that stopped it. */
  finished: Promise<void> = Promise.resolve();

  constructor(
    private readonly o: ResolvedAgentOptions,
    private readonly deps: LoopDeps,
  ) {
    this.patterns = compilePatterns(o.files);
    this.policy = loopWakePolicy(o);
  }

  /** Takes the state directory, resumes from the state, looks at the files once, starts the loop. */
  async start(): Promise<void> {
    const { o, deps } = this;
    const { lock, state } = await resumeState(o, this.patterns);
    this.lock = lock;
    try {
      this.state = state;
      this.shippedBefore = state.totals.linesShipped;
      ({
        tracker: this.tracker,
        writer: this.writer,
        failing: this.failing,
        picker: this.picker,
      } = createLoopParts(o, deps, state, this.patterns));
      await this.look(Date.now(), true);
      // Stop at once only when nothing named can be tailed (a typo, the /dev/stdout trap): with other
      // files working, a broken path is stopped alone and shown in `agent status`.
      const problem = nothingTailable(this.tracker.startupErrors, this.patterns);
      if (problem) throw problem;
      this.watcher = (deps.watch ?? createDirectoryWatcher)((kind) => {
        // Only the first event since the last look moves the next look; the rest wake nothing more.
        if (this.policy.event(kind)) this.wakeup.notify();
      }, deps.logger);
      this.updateWatches();
      await this.save();
    } catch (error) {
      await this.tracker?.close();
      await this.lock.release();
      throw error;
    }
    announceStart(o, this.patterns, deps, (error) => this.die(error));
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
        if (this.unsent) await this.setAside(this.unsent.batch, this.unsent.outcome);
        if (this.fatal) break;
        const stopping = this.stopRequestedAt !== undefined;
        if (stopping && (this.undeliverable || this.drained(now) || this.pastShutdownDeadline(now))) break;
        this.prepared ??= await this.picker.next(Date.now(), stopping, this.inFlight?.entry);
        // A 413, a failed attempt or a fatal error may have come in while preparing: deal with it first.
        if (this.tooLarge || this.unsent || this.fatal) continue;
        if (this.prepared && !this.inFlight) {
          await this.dispatch(this.prepared);
          this.prepared = null;
          continue;
        }
        if (Date.now() >= this.writer.dueAt()) await this.save();
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

  /** Looks at the files when the wake policy says so: an event (idle), a busy tick, the poll. */
  private async maybeLook(now: number): Promise<void> {
    const due = this.policy.lookDue(now, this.stopRequestedAt !== undefined);
    if (due) await this.look(now, due.discover);
  }

  private async look(now: number, discover: boolean): Promise<void> {
    const grew = await this.tracker.refresh(now, discover, this.policy.arrivedSince(now));
    const change = this.policy.looked(now, discover, grew);
    if (change || discover) this.updateWatches();
  }

  /** Write-ahead, then send: the range and key are durable before the first byte leaves. */
  private async dispatch(batch: PreparedBatch): Promise<void> {
    const waiting = batch.entry.pending;
    if (waiting && waiting.batchId !== batch.batchId) {
      // Read while the file's previous batch was in flight, and that one failed: it goes first (its
      // range stays pending, so a commit of this one could never skip it). Read again later.
      rewind(this.tracker, batch);
      return;
    }
    batch.entry.pending = {
      batchId: batch.batchId,
      start: batch.start,
      end: batch.end,
      lines: batch.lines,
      checksum: batch.checksum,
    };
    await this.save();
    this.inFlight = batch;
    void this.sendAndCommit(batch).finally(() => {
      this.inFlight = null;
      this.wakeup.notify();
    });
  }

  private async sendAndCommit(batch: PreparedBatch): Promise<void> {
    const { sender, logger } = this.deps;
    const context = {
      sender,
      logger,
      state: this.state,
      maxLineBytes: this.o.maxLineBytes,
      abort: this.abort.signal,
      noRetry: this.noRetry.signal,
      attemptsSoFar: this.failing.attempts(batch.entry, batch.batchId),
    };
    let outcome: DeliveryOutcome;
    try {
      outcome = await deliver(batch, context);
    } catch (error) {
      this.die(error);
      return;
    }
    if (outcome.kind === 'undeliverable') this.undeliverable = true;
    else if (outcome.kind === 'too-large') this.tooLarge = { batch, error: outcome.error };
    else if (outcome.kind === 'retry-later' || outcome.kind === 'conflict') this.unsent = { batch, outcome };
    else if (outcome.kind === 'shipped') {
      this.failing.clear(batch.entry);
      this.failing.keepLastError();
      this.collectGarbage(batch.rawBytes);
      await this.save().catch((error: unknown) => this.die(error));
    }
  }

  /** A 413: smaller batches from the rejected batch's start, or stop when it cannot get smaller. */
  private shrink(batch: PreparedBatch, error: BatchTooLargeError): void {
    this.tooLarge = null;
    const fatal = this.picker.shrink(batch, error);
    if (fatal) this.die(fatal);
    else if (this.prepared?.entry === batch.entry) this.prepared = null;
  }

  /** A batch ingest did not take (5xx, network, 409): set-aside.ts. */
  private async setAside(batch: PreparedBatch, outcome: UnsentOutcome): Promise<void> {
    this.unsent = null;
    const parts = { tracker: this.tracker, failing: this.failing, logger: this.deps.logger };
    this.prepared = await setAsideUnsent(batch, outcome, this.prepared, parts);
    await this.save().catch((error: unknown) => this.die(error));
  }

  private pastShutdownDeadline(now: number): boolean {
    return this.stopRequestedAt !== undefined && now >= this.stopRequestedAt + this.o.shutdownTimeoutMs;
  }

  /** While stopping: nothing prepared or in flight, no complete line left, partial lines waited for. */
  private drained(now: number): boolean {
    if (this.prepared || this.inFlight) return false;
    return linesDrained(this.tracker.files, now, this.stopRequestedAt! + this.o.partialLineWaitMs);
  }

  private nextWakeAt(now: number): number {
    let at = Math.min(this.policy.nextLookAt(), this.writer.dueAt(), this.failing.nextRetryAt(now));
    if (this.stopRequestedAt !== undefined) at = Math.min(at, now + STOP_TICK_MS);
    // With a batch prepared, the next event that matters is the answer to the one in flight.
    if (!this.prepared) for (const f of this.tracker.files) at = Math.min(at, fileWakeAt(f, now, this.o));
    return Math.max(at, now + 5);
  }

  /** Busy, no watches (the busy ticks look instead); idle, the patterns' and the files' folders. */
  private updateWatches(): void {
    const dirs = new Set<string>();
    if (!this.policy.isBusy) {
      for (const p of this.patterns) dirs.add(p.watchDir);
      for (const f of this.tracker.files) dirs.add(dirname(f.entry.path));
    }
    this.watcher?.update(dirs);
  }

  private save(): Promise<void> {
    this.failing.prune(this.tracker.files.map((f) => f.entry));
    return this.writer.save();
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
    announceStop(this.deps.logger, this.state, this.shippedBefore);
  }
}
