/**
 * What the agent is doing, for people and scripts: per file the committed offset, the size on disk, the
 * lag in bytes, the pending batch and the lines shipped. `readAgentStatus(stateDir)` reads it from the
 * state file, so it works from another process while the agent runs (the file is replaced atomically).
 */
import { access, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StateError } from './errors.ts';
import { chosenFormat } from './reading/format-choice.ts';
import { loadState, STATE_FILE } from './state/durability.ts';
import type { FailingBatch } from './state/failing-batches.ts';
import { isAlive, LOCK_FILE } from './state/lock.ts';
import type { AgentState, FileEntry, StateTotals } from './state/schema.ts';

/** One tracked file as `status` shows it: its state-file entry's figures plus the lag they imply. */
export type FileStatus = Pick<
  FileEntry,
  | 'path'
  | 'id'
  | 'rotated'
  | 'committed'
  | 'size'
  | 'pending'
  | 'linesShipped'
  | 'bytesShipped'
  | 'batchesShipped'
  | 'linesCut'
  | 'linesRejected'
  | 'lastAckAt'
> & {
  /** Bytes in the file not yet acknowledged by ingest: `size - committed`. */
  lagBytes: number;
  /** Its batch ingest has not taken yet: the stuck range, attempts, last error; null when none. */
  failing: Pick<FailingBatch, 'start' | 'end' | 'attempts' | 'lastError' | 'since' | 'retryAt'> | null;
  /** The format its lines are sent in; null while `auto` waits for the first lines. */
  format: string | null;
  /** Why that format (configured, or what detection saw), or what it waits for. */
  formatReason: string;
  /** ingest's reason for the first rejected line of this file, or null. */
  firstRejectReason: string | null;
};

export interface AgentStatus {
  stateDir: string;
  running: boolean;
  pid: number | null;
  startedAt: string | null;
  stoppedAt: string | null;
  /** When the state was last written. */
  updatedAt: string;
  endpoint: string | null;
  source: string | null;
  format: string | null;
  files: FileStatus[];
  totals: StateTotals & {
    lagBytes: number;
    /** Files whose batch ingest has not taken yet, and their failed attempts so far. */
    failingBatches: number;
    failedAttempts: number;
    stoppedFiles: number;
  };
  lastError: { at: string; message: string } | null;
  /** Files not tailed, each with its reason; the others keep shipping. */
  stopped: Array<{ path: string; reason: string; since: string }>;
}

/** Builds a status from a state; `sizes` may give fresher sizes than the state holds (by file id). */
export function statusFromState(
  state: AgentState,
  stateDir: string,
  running: boolean,
  sizes: Map<string, number> = new Map(),
): AgentStatus {
  const files = state.files.map((e): FileStatus => {
    const size = Math.max(e.size, sizes.get(e.id) ?? 0, e.committed);
    const failing = state.failing.find((f) => f.fileId === e.id);
    return {
      path: e.path,
      id: e.id,
      rotated: e.rotated,
      committed: e.committed,
      size,
      lagBytes: size - e.committed,
      pending: e.pending,
      linesShipped: e.linesShipped,
      bytesShipped: e.bytesShipped,
      batchesShipped: e.batchesShipped,
      linesCut: e.linesCut,
      linesRejected: e.linesRejected,
      lastAckAt: e.lastAckAt,
      failing: failing
        ? {
            start: failing.start,
            end: failing.end,
            attempts: failing.attempts,
            lastError: failing.lastError,
            since: failing.since,
            retryAt: failing.retryAt,
          }
        : null,
      format: chosenFormat(e) ?? null,
      formatReason:
        e.formatChoice?.configured === e.format
          ? e.formatChoice.reason
          : `${e.format}: to be decided from the first lines`,
      firstRejectReason: e.firstRejectReason ?? null,
    };
  });
  return {
    stateDir,
    running,
    pid: state.agent?.pid ?? null,
    startedAt: state.agent?.startedAt ?? null,
    stoppedAt: state.agent?.stoppedAt ?? null,
    updatedAt: state.updatedAt,
    endpoint: state.agent?.endpoint ?? null,
    source: state.agent?.source ?? null,
    format: state.agent?.format ?? null,
    files,
    totals: {
      ...state.totals,
      lagBytes: files.reduce((sum, f) => sum + f.lagBytes, 0),
      failingBatches: state.failing.length,
      failedAttempts: state.failing.reduce((sum, f) => sum + f.attempts, 0),
      stoppedFiles: state.stopped.length,
    },
    lastError: state.lastError,
    stopped: state.stopped.map(({ path, reason, since }) => ({ path, reason, since })),
  };
}

/**
 * Reads the status of the agent using `stateDir`, running or not. File sizes are looked up on disk, so
 * the lag is current even between the agent's state writes.
 */
export async function readAgentStatus(stateDir: string): Promise<AgentStatus> {
  const statePath = join(stateDir, STATE_FILE);
  if (
    !(await access(statePath).then(
      () => true,
      () => false,
    ))
  ) {
    throw new StateError(
      `no agent state in ${stateDir} (${STATE_FILE} is missing): has an agent run with --state-dir ${stateDir}?`,
    );
  }
  const state = await loadState(stateDir);
  const sizes = new Map<string, number>();
  for (const entry of state.files) {
    const st = await stat(entry.path).catch(() => undefined);
    if (st && st.dev === entry.dev && st.ino === entry.ino) sizes.set(entry.id, st.size);
  }
  const lockPid = Number.parseInt(await readFile(join(stateDir, LOCK_FILE), 'utf8').catch(() => ''), 10);
  const pid = state.agent?.pid;
  const running = pid !== undefined && lockPid === pid && !state.agent?.stoppedAt && isAlive(pid);
  return statusFromState(state, stateDir, running, sizes);
}

/** The status as a short report for a terminal. */
export function formatStatus(status: AgentStatus, now = Date.now()): string {
  const lines: string[] = [];
  const state = status.running
    ? `running (pid ${status.pid}, since ${status.startedAt})`
    : status.stoppedAt
      ? `stopped at ${status.stoppedAt}`
      : status.pid
        ? `not running (pid ${status.pid} ended without a clean stop; the next start resumes from the state)`
        : 'never started';
  lines.push(`agent:    ${state}`);
  if (status.endpoint)
    lines.push(`ingest:   ${status.endpoint}  source=${status.source}  format=${status.format}`);
  const age = status.updatedAt
    ? Math.max(0, Math.round((now - Date.parse(status.updatedAt)) / 1000))
    : undefined;
  lines.push(
    `state:    ${join(status.stateDir, STATE_FILE)}${age === undefined ? '' : ` (written ${age}s ago)`}`,
  );
  if (status.files.length === 0) lines.push('files:    none tracked yet');
  else {
    const rows = [['FILE', 'ROLE', 'COMMITTED', 'SIZE', 'LAG', 'LINES', 'CUT', 'REJECTED', 'PENDING']];
    for (const f of status.files) {
      rows.push([
        f.path,
        f.rotated ? 'rotated' : 'active',
        String(f.committed),
        String(f.size),
        String(f.lagBytes),
        String(f.linesShipped),
        String(f.linesCut),
        String(f.linesRejected),
        f.pending ? `${f.pending.start}-${f.pending.end}` : '-',
      ]);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const row of rows)
      lines.push(
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      );
    for (const f of status.files) lines.push(...fileNotes(f));
  }
  const t = status.totals;
  lines.push(
    `totals:   ${t.linesShipped} lines in ${t.batchesShipped} ${t.batchesShipped === 1 ? 'batch' : 'batches'} (${t.bytesShipped} bytes), lag ${t.lagBytes} bytes, ` +
      `${t.linesCut} cut, ${t.linesRejected} rejected by ingest, ${t.bytesLost} bytes lost`,
  );
  for (const f of status.files) {
    if (!f.failing) continue;
    const x = f.failing;
    lines.push(
      `failing:  ${f.path} bytes ${x.start}-${x.end}: ${x.attempts} failed attempt(s) since ${x.since}, next at ${x.retryAt}: ${x.lastError}`,
    );
  }
  for (const s of status.stopped) lines.push(`stopped:  ${s.path} (since ${s.since}): ${s.reason}`);
  if (status.lastError) lines.push(`last error (${status.lastError.at}): ${status.lastError.message}`);
  return lines.join('\n');
}

/** Per file: the format and why, the first reject's reason (stopped files are listed under `stopped:`). */
function fileNotes(f: FileStatus): string[] {
  const notes = [`${f.path}:`];
  notes.push(`  format:   ${f.format ?? 'none yet'} (${f.formatReason})`);
  if (f.linesRejected > 0)
    notes.push(
      `  rejected: ${f.linesRejected} line${f.linesRejected === 1 ? '' : 's'}` +
        (f.firstRejectReason ? `, the first because ${f.firstRejectReason}` : '') +
        ' (see `accesslake rejects`)',
    );
  return notes;
}
