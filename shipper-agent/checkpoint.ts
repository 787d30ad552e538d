/**
 * The agent's state file: committed offsets and the write-ahead pending range of every tracked file, as
 * versioned JSON in `<state-dir>/agent-state.json`. Writes go tmp → fsync → rename → fsync(dir), so after
 * a crash (kill -9, power loss) the file holds either the previous state or the new one, never half.
 * A lock file keeps two agents off one state directory.
 */
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StateError } from './errors.ts';

export const STATE_VERSION = 1;
export const STATE_FILE = 'agent-state.json';
export const LOCK_FILE = 'agent.lock';

/** A batch recorded before it was sent; after a crash it is sent again, same bytes, same key. */
export interface PendingRange {
  batchId: string;
  start: number;
  end: number;
  lines: number;
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
  /** Set when the file cannot be shipped (its lines fit no format): it alone waits, the others go on. */
  stopped?: { at: string; reason: string; configured: string } | null;
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
  /** Totals since the state directory was created, including files already let go. */
  totals: StateTotals;
  /** The latest problem (send failures, lost bytes); cleared when sending works again. */
  lastError: { at: string; message: string } | null;
}

export function emptyState(): AgentState {
  return {
    version: STATE_VERSION,
    updatedAt: new Date().toISOString(),
    agent: null,
    files: [],
    totals: {
      linesShipped: 0,
      bytesShipped: 0,
      batchesShipped: 0,
      linesCut: 0,
      linesRejected: 0,
      bytesLost: 0,
    },
    lastError: null,
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
  for (const [i, file] of state.files.entries()) {
    const problem = entryProblem(file);
    if (problem) return { success: false, error: `files[${i}]: ${problem}` };
  }
  const totals = { ...emptyState().totals, ...(state.totals ?? {}) };
  return {
    success: true,
    data: {
      version: STATE_VERSION,
      updatedAt: String(state.updatedAt ?? ''),
      agent: state.agent ?? null,
      files: state.files,
      totals,
      lastError: state.lastError ?? null,
    },
  };
}

const NUMBER_FIELDS = ['dev', 'ino', 'fingerprintBytes', 'committed', 'size'] as const;

function entryProblem(file: unknown): string | undefined {
  if (typeof file !== 'object' || file === null) return 'not an object';
  const entry = file as Record<string, unknown>;
  if (entry.format === undefined) entry.format = 'json';
  for (const key of ['id', 'path', 'format', 'fingerprint']) {
    if (typeof entry[key] !== 'string') return `"${key}" is not a string`;
  }
  for (const key of NUMBER_FIELDS) {
    if (typeof entry[key] !== 'number' || !Number.isFinite(entry[key])) return `"${key}" is not a number`;
  }
  const pending = entry.pending as PendingRange | null | undefined;
  if (pending !== null && pending !== undefined) {
    if (typeof pending.batchId !== 'string' || !(pending.start <= pending.end))
      return '"pending" is not a valid range';
  }
  return undefined;
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

// Locks this process holds, so a pid in a lock file equal to ours (pid 1 in a restarted container) is
// told apart from a lock we really hold.
const heldLocks = new Set<string>();

export interface StateLock {
  release(): Promise<void>;
}

/**
 * Takes `<state-dir>/agent.lock`. A lock left by a process that no longer runs (kill -9) is taken over;
 * a live one is a clear error: two agents on one state would ship every line twice.
 */
export async function acquireLock(stateDir: string): Promise<StateLock> {
  const path = join(stateDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx', mode: 0o640 });
      heldLocks.add(path);
      return {
        async release() {
          heldLocks.delete(path);
          await rm(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StateError(`cannot create the lock ${path}: ${(error as Error).message}`, { cause: error });
      }
    }
    const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (
      Number.isInteger(owner) &&
      owner > 0 &&
      isAlive(owner) &&
      (owner !== process.pid || heldLocks.has(path))
    ) {
      throw new StateError(
        `another agent (pid ${owner}) is using the state directory ${stateDir}: stop it, or give this agent its own --state-dir`,
      );
    }
    await rm(path, { force: true });
  }
  throw new StateError(`cannot take the lock ${path}: another agent keeps creating it`);
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
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
  /** ingest's reason for the first of them, when its answer gives one. */
  firstRejectReason?: string | undefined;
}

/** Commits an acknowledged batch: the offset advances, the pending range clears, counters add up. */
export function recordShipped(state: AgentState, entry: FileEntry, shipped: Shipped): void {
  const bytes = shipped.end - shipped.start;
  entry.committed = shipped.end;
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
