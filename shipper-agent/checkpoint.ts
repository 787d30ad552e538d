/**
 * The agent's state file: committed offsets and the write-ahead pending range of every tracked file, as
 * versioned JSON in `<state-dir>/agent-state.json`. Writes go tmp → fsync → rename → fsync(dir), so after
 * a crash (kill -9, power loss) the file holds either the previous state or the new one, never half.
 * A lock file keeps two agents off one state directory (state-lock.ts).
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { StateError } from './errors.ts';
import type { FailingBatch } from './failing-batches.ts';
import { isPermanent, offsetProblem, type StoppedFile } from './stopped.ts';

export { acquireLock, isAlive, LOCK_FILE, type StateLock } from './state-lock.ts';

export const STATE_VERSION = 1;
export const STATE_FILE = 'agent-state.json';

/** A batch recorded before it was sent; after a crash it is sent again, same bytes, same key. */
export interface PendingRange {
  batchId: string;
  start: number;
  end: number;
  lines: number;
  /**
   * Checksum of the bytes just before `end` as they were read (identity.ts `checksumAt`): after a
   * restart only a file holding these bytes gets the range (a refilled file with the same first bytes
   * does not; its copy does). Absent in a state written before it existed.
   */
  checksum?: string;
}

/** One tracked file. Offsets are bytes from the file's start. */
export interface FileEntry {
  /** Stable id (see identity.ts `newFileId`); batch keys derive from it. */
  id: string;
  /** Where the file was last seen. A rotated file keeps the path it was tailed under. */
  path: string;
  /** Its lines' format (`X-Log-Format`), from the pattern that matched it. */
  format: string;
  dev: number;
  ino: number;
  fingerprint: string;
  fingerprintBytes: number;
  firstSeen: string;
  /** Everything before this offset is acknowledged by ingest. */
  committed: number;
  /**
   * Checksum of the bytes just before `committed` (identity.ts `checksumAt`): a file holds this entry's
   * content only if it has them. Null in a state written before it existed (the fingerprint alone then).
   */
  checksum: string | null;
  /** The file's size when last seen: `size - committed` is the lag. */
  size: number;
  pending: PendingRange | null;
  /** Renamed away or truncated: being read to its end before it is let go. */
  rotated: boolean;
  linesShipped: number;
  bytesShipped: number;
  batchesShipped: number;
  linesCut: number;
  linesRejected: number;
  lastAckAt: string | null;
  /** The format the lines are sent in and why; decided when the first batch is read (format-choice.ts). */
  formatChoice?: FormatChoice | null;
  /** The first reason ingest gave for a rejected line of this file (from its answer), or null. */
  firstRejectReason?: string | null;
}

/** The format in use for a file: `format`, chosen under the configured spec `configured`, `reason` why. */
export interface FormatChoice {
  format: string;
  reason: string;
  /** The configured format (`auto`, a name or a log_format) this choice was made under. */
  configured: string;
}

export interface StateTotals {
  linesShipped: number;
  bytesShipped: number;
  batchesShipped: number;
  linesCut: number;
  /** Lines ingest stored under rejects/ (unparseable for the format). */
  linesRejected: number;
  /** Bytes deleted or truncated away before they were shipped. */
  bytesLost: number;
}

export interface AgentInfo {
  pid: number;
  startedAt: string;
  /** Set on a clean stop; null while running or after a crash. */
  stoppedAt: string | null;
  endpoint: string;
  source: string;
  format: string;
  patterns: string[];
}

export interface AgentState {
  version: typeof STATE_VERSION;
  updatedAt: string;
  agent: AgentInfo | null;
  files: FileEntry[];
  /**
   * Files let go after being read to their end (rotated away, or copies), kept while they still exist
   * next to a tailed path: a rotated sibling matching one is known content, never read as new.
   */
  retired: FileEntry[];
  /**
   * When the agent last listed the tailed paths and their rotated siblings. A sibling that matches no
   * entry is read (as bytes never shipped) only when it appeared or changed after this; null: never.
   */
  scannedAt: string | null;
  /** Totals since the state directory was created, including files already let go. */
  totals: StateTotals;
  /** The latest problem (send failures, lost bytes); cleared when sending works again. */
  lastError: { at: string; message: string } | null;
  /** Files not tailed, each with its reason (stopped.ts). */
  stopped: StoppedFile[];
  /** Batches ingest has not taken yet, one per file at most (failing-batches.ts); this run's only. */
  failing: FailingBatch[];
}

export function emptyState(): AgentState {
  return {
    version: STATE_VERSION,
    updatedAt: new Date().toISOString(),
    agent: null,
    files: [],
    retired: [],
    scannedAt: null,
    totals: {
      linesShipped: 0,
      bytesShipped: 0,
      batchesShipped: 0,
      linesCut: 0,
      linesRejected: 0,
      bytesLost: 0,
    },
    lastError: null,
    stopped: [],
    failing: [],
  };
}

/** Reads the state file; a missing file is an empty state (first start). */
export async function loadState(stateDir: string): Promise<AgentState> {
  const path = join(stateDir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return emptyState();
    throw new StateError(`cannot read the agent state ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = parseState(text);
  if (!parsed.success) {
    throw new StateError(
      `the agent state ${path} is not valid (${parsed.error}): restore it, or move it away to start over ` +
        '(the agent then reads every file from the start again, so lines already shipped arrive twice)',
    );
  }
  return parsed.data;
}

/** Validates the JSON of a state file. */
export function parseState(
  text: string,
): { success: true; data: AgentState } | { success: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { success: false, error: `not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null) return { success: false, error: 'not a JSON object' };
  const state = value as Partial<AgentState>;
  if (typeof state.version !== 'number') return { success: false, error: 'no "version"' };
  if (state.version > STATE_VERSION) {
    return {
      success: false,
      error: `version ${state.version} was written by a newer agent; this one reads version ${STATE_VERSION}`,
    };
  }
  if (!Array.isArray(state.files)) return { success: false, error: '"files" is not a list' };
  // A stop that waits for a person (an invalid entry) holds across restarts; the others are tried again.
  const stopped = (Array.isArray(state.stopped) ? state.stopped : []).filter(isPermanent);
  const files: FileEntry[] = [];
  for (const [i, file] of state.files.entries()) {
    const problem = entryProblem(file);
    if (!problem) {
      files.push(file);
      continue;
    }
    const path = (file as { path?: unknown } | null)?.path;
    // Without a path the entry cannot be tied to a file: the state as a whole is not usable.
    if (typeof path !== 'string') return { success: false, error: `files[${i}]: ${problem}` };
    stopped.push({
      path,
      reason:
        `its entry in the state (files[${i}]) is not valid: ${problem}. The agent does not guess where to ` +
        'resume (from 0 would ship lines twice, from the end could skip some): stop the agent and fix the ' +
        `entry (now under "stopped") in ${STATE_FILE}, or delete it to read the file from its start again`,
      since: new Date().toISOString(),
      entry: null,
      invalidEntry: file,
    });
  }
  for (const stop of state.stopped ?? []) {
    // A retried stop gives its entry back, offsets intact.
    if (!isPermanent(stop) && stop.entry && !entryProblem(stop.entry)) files.push(stop.entry);
  }
  const retired = Array.isArray(state.retired) ? state.retired : [];
  for (const [i, file] of retired.entries()) {
    const problem = entryProblem(file);
    if (problem) return { success: false, error: `retired[${i}]: ${problem}` };
  }
  const totals = { ...emptyState().totals, ...(state.totals ?? {}) };
  return {
    success: true,
    data: {
      version: STATE_VERSION,
      updatedAt: String(state.updatedAt ?? ''),
      agent: state.agent ?? null,
      files,
      retired,
      scannedAt: typeof state.scannedAt === 'string' ? state.scannedAt : null,
      totals,
      lastError: state.lastError ?? null,
      stopped,
      // Shown by `agent status`; an agent starting clears it (it is this run's).
      failing: Array.isArray(state.failing) ? state.failing : [],
    },
  };
}

function entryProblem(file: unknown): string | undefined {
  if (typeof file !== 'object' || file === null) return 'not an object';
  const entry = file as Record<string, unknown>;
  if (entry.format === undefined) entry.format = 'json';
  if (entry.checksum === undefined) entry.checksum = null;
  if (entry.checksum !== null && typeof entry.checksum !== 'string') return '"checksum" is not a string';
  for (const key of ['id', 'path', 'format', 'fingerprint']) {
    if (typeof entry[key] !== 'string') return `"${key}" is not a string`;
  }
  return offsetProblem(entry);
}

/** Writes the state atomically and durably: tmp → fsync → rename → fsync(dir). */
export async function saveState(stateDir: string, state: AgentState): Promise<void> {
  const path = join(stateDir, STATE_FILE);
  const tmp = `${path}.tmp`;
  state.updatedAt = new Date().toISOString();
  const handle = await open(tmp, 'w', 0o640);
  try {
    await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  // The rename itself is only durable once the directory is synced (rename(2), fsync(2) notes).
  const dir = await open(stateDir, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Creates the state directory, naming the fix when it cannot. */
export async function ensureStateDir(stateDir: string): Promise<void> {
  try {
    await mkdir(stateDir, { recursive: true, mode: 0o750 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint =
      code === 'EACCES' || code === 'EPERM'
        ? ': permission denied; pass a writable --state-dir (or ACCESSLAKE_STATE_DIR)'
        : `: ${(error as Error).message}`;
    throw new StateError(`cannot create the state directory ${stateDir}${hint}`, { cause: error });
  }
}

/** What ingest acknowledged for one batch. */
export interface Shipped {
  start: number;
  end: number;
  lines: number;
  cutLines: number;
  /** Lines ingest stored under rejects/. */
  rejected: number;
  /** Checksum of the bytes just before `end`, taken when they were read. */
  checksum: string;
  /** ingest's reason for the first of them, when its answer gives one. */
  firstRejectReason?: string | undefined;
}

/** Commits an acknowledged batch: the offset advances, the pending range clears, counters add up. */
export function recordShipped(state: AgentState, entry: FileEntry, shipped: Shipped): void {
  const bytes = shipped.end - shipped.start;
  entry.committed = shipped.end;
  entry.checksum = shipped.checksum;
  entry.pending = null;
  entry.lastAckAt = new Date().toISOString();
  for (const counters of [entry, state.totals]) {
    counters.linesShipped += shipped.lines;
    counters.bytesShipped += bytes;
    counters.batchesShipped++;
    counters.linesCut += shipped.cutLines;
    counters.linesRejected += shipped.rejected;
  }
  if (shipped.firstRejectReason && !entry.firstRejectReason)
    entry.firstRejectReason = shipped.firstRejectReason;
  state.lastError = null;
}
