/**
 * The set of files being tailed and what each look does to them. A look first checks every tracked
 * file's own content (grown, unchanged, truncated: content-look.ts), carries out the truncations (the
 * old content goes on from its copy, found by content, or its seen-but-unread bytes are counted lost:
 * truncation.ts, which also moves an entry ingest answered 409 for to its copy), then (when
 * discovering) scans the tailed paths and their rotated siblings (scan.ts) and finally lets go of
 * rotated files that are done. Every change of phase is one named transition of rotation.ts, logged
 * with its name. truncation.ts and scan.ts run over this tracker through the host shapes they name
 * (truncation.ts `TruncationHost`, scan-host.ts `ScanHost`), so neither imports this file.
 */
import type { FileHandle } from 'node:fs/promises';
import type { Logger } from '../../lib/log/index.ts';
import type { FileAccessError } from '../errors.ts';
import { inodeKey } from '../finding/candidates.ts';
import type { PathPattern } from '../finding/discovery.ts';
import { checksumAt } from '../identity/identity.ts';
import type { AgentState, FileEntry } from '../state/schema.ts';
import { StopList } from '../state/stopped.ts';
import { contentNow, lookAt, remember } from './content-look.ts';
import { ProblemReporter } from './problems.ts';
import type { Phase, TransitionName } from './rotation.ts';
import { scan } from './scan.ts';
import {
  type Anchor,
  isFinished,
  newTrackedFile,
  positionFields,
  setPhase,
  type TrackedFile,
} from './tracked-file.ts';
import { carryOutTruncation, continueInCopy, restart } from './truncation.ts';

export type { TrackedFile } from './tracked-file.ts';

export interface TrackerOptions {
  patterns: PathPattern[];
  logger: Logger;
  readFrom: 'beginning' | 'end';
  countLines: boolean;
  rotatedGraceMs: number;
}

/** Retired entries remembered at most (the oldest are forgotten first). */
const MAX_RETIRED = 200;

export class FileTracker {
  readonly files: TrackedFile[] = [];
  /** State entries no scan has placed yet (at start-up). */
  unattached: FileEntry[];
  /** Files let go, remembered while they exist next to a tailed path (persisted in the state). */
  readonly retired: FileEntry[];
  /** The first scan of this run is still to come. */
  firstScan = true;
  /** No state at all: `--read-from end` applies (to tailed paths only). */
  readonly firstStart: boolean;
  /** When the previous scan started (ms); undefined when the agent never scanned. */
  lastScanAt: number | undefined;
  readonly problems: ProblemReporter;
  /** Files not tailed, with their reasons (in the state, so `agent status` shows them). */
  readonly stops: StopList;
  /** Retired entries → scans in a row that did not find their inode (see scan.ts `forgetRetired`). */
  readonly retiredMisses = new Map<FileEntry, number>();
  /** `dev:ino` → signature of files a scan judged not to read: judged again once that changes. */
  readonly skipped = new Map<string, string>();
  private readonly scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(
    readonly options: TrackerOptions,
    readonly state: AgentState,
  ) {
    this.unattached = [...state.files];
    this.retired = state.retired;
    this.firstStart = state.files.length === 0 && state.scannedAt === null;
    const known = state.scannedAt ?? (state.files.length > 0 ? state.updatedAt : null);
    const at = known === null ? Number.NaN : Date.parse(known);
    this.lastScanAt = Number.isNaN(at) ? undefined : at;
    this.problems = new ProblemReporter(options.logger, state);
    this.stops = new StopList(state);
  }

  /**
   * A path named literally (not by a glob) that cannot be tailed at start-up: a mistake to stop on
   * (a symlink to /dev/stdout, a directory, no permission) rather than to wait out.
   */
  readonly startupErrors: FileAccessError[] = [];

  unusable(path: string, error: FileAccessError): void {
    const literal = this.options.patterns.some((p) => !p.glob && p.pattern === path);
    // Thrown by start() when no path can be tailed; otherwise this path alone is stopped, said once,
    // shown in `agent status`, and tried again at every look.
    if (this.firstScan && literal && error.problem !== 'compressed') this.startupErrors.push(error);
    if (error.problem !== 'compressed') this.stops.stop(path, error.message, null);
    this.problems.once(path, error.problem, error.problem === 'compressed' ? 'warn' : 'error', error.message);
  }

  /**
   * Stops tailing one file, alone, with `reason` in `agent status`: its entry (offsets, pending range)
   * is kept in the state and the file is tried again at the next start. The other files keep shipping.
   */
  async stopFile(file: TrackedFile, reason: string): Promise<void> {
    const at = this.files.indexOf(file);
    if (at === -1) return;
    this.files.splice(at, 1);
    await file.handle?.close().catch(() => {});
    this.stops.stop(file.entry.path, reason, file.entry);
    this.options.logger.error('stopped tailing one file; the others keep shipping', {
      path: file.entry.path,
      reason,
      committed: file.entry.committed,
    });
  }

  /**
   * The file no longer holds the bytes the agent knew (ingest answered 409 for its pending range):
   * from now on it is a new file, read from its start under a new id, so new batch keys.
   */
  async reidentify(entry: FileEntry, now: number): Promise<void> {
    const pending = entry.pending;
    entry.pending = null;
    const file = this.find(entry);
    if (!file?.handle) return;
    // The 409 says ingest stored the range as first sent. Its copy (copytruncate, refill) still holds
    // that content: the rest is read from there, never the whole copy again from 0 under a new id.
    if (pending) await continueInCopy(this, file, entry, pending.end);
    const phase = file.phase;
    await restart(this, file, entry.path, entry.format, now);
    if (phase !== 'active') setPhase(file, 'rotated');
  }

  /** Bytes that can never be shipped: counted and said loudly. */
  lose(entry: FileEntry, bytes: number, why: string): void {
    this.problems.lose(entry, bytes, why);
  }

  /** Entries to persist: tracked files, plus state entries not looked at yet. */
  entries(): FileEntry[] {
    return [...this.files.map((f) => f.entry), ...this.unattached];
  }

  find(entry: FileEntry): TrackedFile | undefined {
    return this.files.find((f) => f.entry === entry);
  }

  /** The tracked file (with its content) of this inode. */
  trackedInode(stats: { dev: number; ino: number }): TrackedFile | undefined {
    return this.files.find((f) => f.handle && f.entry.dev === stats.dev && f.entry.ino === stats.ino);
  }

  /** `dev:ino` of every file being read. */
  trackedKeys(): Set<string> {
    return new Set(this.files.filter((f) => f.handle).map((f) => inodeKey(f.entry)));
  }

  /**
   * Whether every file being read still holds what was read from it: a scan's verdicts on copies are
   * only acted on when nothing was truncated while they were made (a truncation in between is carried
   * out by the next look, which finds the copy itself).
   */
  async allIntact(): Promise<boolean> {
    for (const file of this.files) {
      if (!file.handle) continue;
      if ((await contentNow(file, await file.handle.stat())) === 'truncated') return false;
    }
    return true;
  }

  /** Logs a transition under its rotation.ts name. */
  transition(name: TransitionName, message: string, fields: Record<string, unknown>): void {
    const level = name === 'truncated' || name === 'copytruncated' ? 'warn' : 'info';
    this.options.logger[level](message, { transition: name, ...fields });
  }

  /**
   * Looks at the files again; `discover` also scans the paths (new files, renames, rotated siblings).
   * Bytes a file grew by appeared no earlier than `arrivedAt` (their batch age counts from then).
   * Returns whether a file grew (a truncation counts as growth).
   */
  async refresh(now: number, discover: boolean, arrivedAt = now): Promise<boolean> {
    let grew = false;
    const truncated: TrackedFile[] = [];
    for (const file of [...this.files]) {
      if (!file.handle) continue;
      try {
        const look = await lookAt(file, now, arrivedAt, this.options.logger, this.scratch);
        if (look === 'grew') grew = true;
        else if (look === 'truncated') truncated.push(file);
      } catch (error) {
        await this.stopFile(file, `cannot read it: ${(error as Error).message}`);
      }
    }
    // Rotated files first: their inodes are then free for the copy search of the active ones.
    truncated.sort((a, b) => Number(a.phase === 'active') - Number(b.phase === 'active'));
    for (const file of truncated) await carryOutTruncation(this, file, now);
    if (discover) await scan(this, now);
    for (const file of this.files) await remember(file);
    this.letGo(now);
    return grew || truncated.length > 0;
  }

  async close(): Promise<void> {
    for (const file of this.files) await file.handle?.close().catch(() => {});
  }

  /** Starts reading `entry` in `handle` from its committed offset (or from `anchor`'s, when later). */
  track(
    entry: FileEntry,
    handle: FileHandle | null,
    size: number,
    seenAt: number,
    phase: Phase,
    anchor: Anchor,
  ): TrackedFile {
    const file = newTrackedFile(entry, handle, size, seenAt, this.options.countLines, phase, anchor);
    this.files.push(file);
    this.options.logger.debug('position', positionFields(file));
    return file;
  }

  /** The anchor of an entry resumed in `handle`: its stored checksum, or (older state) one read now. */
  async anchorOf(entry: FileEntry, handle: FileHandle): Promise<Anchor> {
    const checksum = entry.checksum ?? (await checksumAt(handle, entry.committed));
    entry.checksum = checksum ?? null;
    // A pending range with a known checksum was read: the file must keep holding it (a look that finds
    // it refilled under the range moves the entry to its copy instead of resending other bytes).
    const pending = entry.pending;
    if (pending?.checksum !== undefined) return { end: pending.end, checksum: pending.checksum };
    return { end: entry.committed, checksum: checksum ?? '' };
  }

  /** Remembers a file let go (one entry per inode), so a scan knows its content. */
  retire(entry: FileEntry): void {
    const same = this.retired.findIndex((e) => e.dev === entry.dev && e.ino === entry.ino);
    if (same !== -1) this.retired.splice(same, 1);
    this.retired.push(entry);
    if (this.retired.length > MAX_RETIRED) this.retired.splice(0, this.retired.length - MAX_RETIRED);
  }

  /** Closes rotated files read, shipped and quiet for the grace period; drops answered orphans. */
  private letGo(now: number): void {
    for (const file of [...this.files]) {
      if (!isFinished(file, now, this.options.rotatedGraceMs)) continue;
      this.files.splice(this.files.indexOf(file), 1);
      if (file.handle) {
        void file.handle.close().catch(() => {});
        this.retire(file.entry);
        this.transition('let-go', 'rotated file fully shipped, letting it go', {
          path: file.entry.path,
          bytes: file.entry.committed,
        });
      }
    }
  }
}
