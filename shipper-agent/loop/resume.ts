/**
 * The loop's start: take the state directory (its lock), read the state it holds, record this run in it
 * (`agent`: pid, start time, endpoint, source, formats, patterns), which `agent status` shows, and make
 * the parts that work on it: the tracker, the state writer, the failing batches, the batch builder.
 */
import type { GzipCodec } from '../../lib/gzip/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import { BatchBuilder } from '../batching/batch-builder.ts';
import type { PathPattern } from '../finding/discovery.ts';
import type { ResolvedAgentOptions } from '../options.ts';
import { AUTO_FORMAT } from '../reading/format-choice.ts';
import { FileTracker } from '../rotation/tracker.ts';
import { ensureStateDir, loadState } from '../state/durability.ts';
import { FailingBatches } from '../state/failing-batches.ts';
import { acquireLock, type StateLock } from '../state/lock.ts';
import type { AgentState } from '../state/schema.ts';
import { StateWriter } from '../state/state-writer.ts';
import { STATUS_SAVE_MS } from './wake.ts';

/**
 * Creates the state directory, takes its lock and reads its state, marked as this run's. Throws
 * `StateError` when the directory cannot be made, is locked by a live agent, or holds an unusable
 * state; the lock is released again when reading fails.
 */
export async function resumeState(
  o: ResolvedAgentOptions,
  patterns: readonly PathPattern[],
): Promise<{ lock: StateLock; state: AgentState }> {
  await ensureStateDir(o.stateDir);
  const lock = await acquireLock(o.stateDir);
  let state: AgentState;
  try {
    state = await loadState(o.stateDir);
  } catch (error) {
    await lock.release();
    throw error;
  }
  state.agent = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    stoppedAt: null,
    endpoint: o.endpoint,
    source: o.source,
    format: describeFormats(o),
    patterns: patterns.map((p) => p.pattern),
  };
  return { lock, state };
}

/** The parts of a loop over `state`; this run's failing batches start empty. */
export function createLoopParts(
  o: ResolvedAgentOptions,
  deps: { gzip: GzipCodec; logger: Logger },
  state: AgentState,
  patterns: PathPattern[],
): { tracker: FileTracker; writer: StateWriter; failing: FailingBatches; picker: BatchBuilder } {
  const countLines = Number.isFinite(o.batchLines);
  const tracker = new FileTracker(
    { patterns, logger: deps.logger, readFrom: o.readFrom, countLines, rotatedGraceMs: o.rotatedGraceMs },
    state,
  );
  const writer = new StateWriter(o.stateDir, state, tracker, STATUS_SAVE_MS);
  state.failing = [];
  const failing = new FailingBatches(state);
  const picker = new BatchBuilder(tracker, deps.gzip, o, deps.logger, (entry, now) =>
    failing.waiting(entry, now),
  );
  return { tracker, writer, failing, picker };
}

/**
 * The configured format for the log and status: `auto` (decided per file, see each file's line), one
 * format, or "per file" when nginx.conf gives files formats of their own.
 */
export function describeFormats(o: ResolvedAgentOptions): string {
  const formats = new Set(o.files.map((f) => f.format));
  if (formats.size === 1) {
    const [only] = formats;
    return only === AUTO_FORMAT ? 'auto (detected per file)' : only!;
  }
  return 'per file (see each file)';
}
