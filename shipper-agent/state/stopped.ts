/**
 * Files the agent does not tail, each with its reason, shown in `agent status`: one file the agent
 * cannot use never stops the others. Two kinds:
 * - a path it cannot read, a tracked file that failed to read, a file another part stops (a format
 *   that fits nothing): tried again at every look or at the next start;
 * - a state entry whose offsets do not fit (negative, beyond the file's size, not whole numbers): the
 *   agent will not guess where to resume (from 0 ships lines twice, from the end skips some), so that
 *   file stays stopped, its entry kept as it was, until someone fixes or removes it.
 */
import type { FileEntry, StoppedFile } from './schema.ts';

export type { StoppedFile } from './schema.ts';

/** A stop that holds until a person acts (an invalid state entry); the others are retried. */
export function isPermanent(stop: StoppedFile): boolean {
  return stop.invalidEntry !== undefined;
}

/**
 * Whether the file at `path` with this dev+inode is the one `stop` holds: by identity when the stop
 * knows it (a new file at the path after a rotation is another file; the same file renamed is not),
 * by path otherwise. A stop of a path that could not be opened holds no file.
 */
export function stopCovers(stop: StoppedFile, path: string, dev: number, ino: number): boolean {
  if (!stop.entry && stop.invalidEntry === undefined) return false;
  const known = (stop.invalidEntry ?? stop.entry) as { dev?: unknown; ino?: unknown } | null;
  if (known && typeof known.dev === 'number' && typeof known.ino === 'number') {
    return known.dev === dev && known.ino === ino;
  }
  return stop.path === path;
}

/** The state's list of stopped files, kept up to date as paths fail and recover. */
export class StopList {
  constructor(private readonly state: { stopped: StoppedFile[] }) {}

  get all(): readonly StoppedFile[] {
    return this.state.stopped;
  }

  /** The stop covering the file at `path` with this identity, if any. */
  covering(path: string, dev: number, ino: number): StoppedFile | undefined {
    return this.state.stopped.find((s) => stopCovers(s, path, dev, ino));
  }

  /** Records (or updates) a stop; returns whether it is new. */
  stop(path: string, reason: string, entry: FileEntry | null): boolean {
    const existing = this.state.stopped.find((s) => s.path === path && !isPermanent(s));
    if (existing) {
      const changed = existing.reason !== reason;
      Object.assign(existing, { reason, entry: entry ?? existing.entry });
      return changed;
    }
    this.state.stopped.push({ path, reason, since: new Date().toISOString(), entry });
    return true;
  }

  /** The path works again: a retried stop (without an entry to give back) ends. */
  clear(path: string): void {
    this.state.stopped = this.state.stopped.filter((s) => s.path !== path || isPermanent(s) || s.entry);
  }
}

const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

function isOffset(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_OFFSET;
}

/**
 * What is wrong with an entry's offsets, or undefined: every offset a whole number of bytes,
 * 0 ≤ committed ≤ size, and a pending range inside [committed, size].
 */
export function offsetProblem(entry: Record<string, unknown>): string | undefined {
  for (const key of ['dev', 'ino', 'fingerprintBytes', 'size', 'committed']) {
    if (!isOffset(entry[key])) return `"${key}" is ${JSON.stringify(entry[key])}, not a whole number ≥ 0`;
  }
  const { committed, size } = entry as { committed: number; size: number };
  if (committed > size) {
    return `"committed" is ${committed}, beyond the file's size ${size} in the same entry`;
  }
  const pending = entry.pending as Record<string, unknown> | null | undefined;
  if (pending !== null && pending !== undefined) {
    if (typeof pending !== 'object' || typeof pending.batchId !== 'string')
      return '"pending" is not a batch (batchId, start, end, lines)';
    const { start, end, lines } = pending;
    if (!isOffset(start) || !isOffset(end) || !isOffset(lines))
      return `"pending" range ${JSON.stringify(start)}-${JSON.stringify(end)} is not made of whole numbers ≥ 0`;
    if (start < committed || end < start || end > size)
      return `"pending" range ${start}-${end} is not within committed ${committed} and size ${size}`;
  }
  return undefined;
}
