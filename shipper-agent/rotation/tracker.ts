/**
 * The set of files being tailed and what each look does to them. A look first checks every tracked
 * file's own content (grown, unchanged, truncated: content-look.ts), carries out the truncations (the
 * old content goes on from its copy, found by content, or its seen-but-unread bytes are counted lost),
 * then (when discovering) scans the tailed paths and their rotated siblings (scan.ts) and finally lets
 * go of rotated files that are done. Every change of phase is one named transition of rotation.ts,
 * logged with its name.
 */
import type { FileHandle } from 'node:fs/promises';
import type { Logger } from '../../lib/log/index.ts';
import type { FileAccessError } from '../errors.ts';
import { inodeKey } from '../finding/candidates.ts';
import type { PathPattern } from '../finding/discovery.ts';
import {
  checksumAt,
  knownContent,
  newEntry,
  readHead,
  readStart,
  sharedLinePrefix,
} from '../identity/identity.ts';
import type { AgentState, FileEntry } from '../state/schema.ts';
import { StopList } from '../state/stopped.ts';
import { contentNow, lookAt, remember, truncationLook } from './content-look.ts';
import { settleCopies } from './copies.ts';
import { type Located, locateContent } from './locate.ts';
import { ProblemReporter } from './problems.ts';
import { lostOnTruncation, type Phase, type TransitionName, truncation } from './rotation.ts';
import { scan } from './scan.ts';
import {
  type Anchor,
  isFinished,
  newTrackedFile,
  positionFields,
  restartTrackedFile,
  setPhase,
  type TrackedFile,
} from './tracked-file.ts';

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
    if (pending) await this.continueInCopy(file, entry, pending.end);
    const phase = file.phase;
    await this.restart(file, entry.path, entry.format, now);
    if (phase !== 'active') setPhase(file, 'rotated');
  }

  /**
   * The file's descriptor starts over at 0 as a new file: its size now, and its fingerprint and first
   * bytes from one read (identity.ts `readStart`), so a refill right after cannot leave the size seen
   * without the first bytes that tell which lines a later refill repeats.
   */
  private async restart(file: TrackedFile, path: string, format: string, now: number): Promise<void> {
    const handle = file.handle!;
    const current = await handle.stat();
    const start = await readStart(handle, current.size);
    const fresh = newEntry(path, format, current, start, now);
    fresh.size = start.size;
    restartTrackedFile(file, fresh, start.size, now, this.options.countLines);
    file.head = start.head;
    this.options.logger.debug('position', positionFields(file));
  }

  /**
   * After a 409: a copy (another inode next to it) holding the entry's committed content and at least
   * `stored` bytes takes the entry, read on from `stored` (the range ingest holds). Offsets in bytes.
   */
  private async continueInCopy(file: TrackedFile, entry: FileEntry, stored: number): Promise<void> {
    const copy = await locateContent(entry, {
      end: entry.committed,
      checksum: entry.checksum,
      exclude: this.trackedKeys(),
    });
    if (!copy) return;
    const checksum = await checksumAt(copy.handle, stored);
    if (checksum === undefined) {
      await copy.handle.close();
      return;
    }
    const moved: FileEntry = {
      ...entry,
      path: copy.path,
      dev: copy.stats.dev,
      ino: copy.stats.ino,
      committed: stored,
      checksum,
      rotated: true,
    };
    const tracked = this.track(moved, copy.handle, copy.stats.size, 0, 'copy', { end: stored, checksum });
    tracked.readPos = stored;
    tracked.lines?.reset(stored);
    this.options.logger.info('reading the rest of the content ingest answered 409 for from its copy', {
      path: copy.path,
      from: stored,
      was: file.entry.path,
    });
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
    for (const file of truncated) await this.truncated(file, now);
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

  /**
   * The content being read is gone from the file: copytruncate, or emptied or refilled. What was not
   * read yet is read from a copy holding it (found by content); what the agent saw and no copy holds is
   * counted lost. An active file then starts over at 0 with its new content.
   */
  private async truncated(file: TrackedFile, now: number): Promise<void> {
    const old = file.entry;
    const path = old.path;
    const { copy, anchor } = await this.locateCopy(file);
    // Its other copies hold nothing more to read: recorded at their size now (copies.ts).
    await settleCopies(this.retired, old, file.readPos, copy?.stats);
    const outstanding = old.pending !== null || old.committed < file.readPos;
    const step = truncation(file.phase, copy !== undefined, outstanding);
    this.transition(step.name, 'file was truncated (copytruncate?): its content is no longer in it', {
      path,
      readPos: file.readPos,
      sizeSeen: file.size,
      copy: copy?.path ?? null,
      look: truncationLook(file) ?? null,
    });
    // An active file is read again from 0: the first lines a refill wrote again are shipped from it.
    const reread = step.restart
      ? sharedLinePrefix(file.head, await readHead(file.handle!, file.head.length))
      : 0;
    const lost = lostOnTruncation(file.size, file.readPos, copy?.stats.size, reread);
    if (lost > 0) {
      this.lose(
        old,
        lost,
        copy
          ? `was truncated after nginx wrote past the end of its copy ${copy.path}`
          : 'was truncated before it was fully shipped, and no copy with the same first bytes is next to it',
      );
    }
    if (copy) {
      Object.assign(old, { path: copy.path, dev: copy.stats.dev, ino: copy.stats.ino });
      // The copy is complete and old news: due at once (seen at 0), read from where the original stood.
      const moved = this.track(old, copy.handle, copy.stats.size, 0, 'copy', anchor);
      moved.readPos = file.readPos;
      moved.lines?.reset(file.readPos);
      this.options.logger.info('reading the rest of the truncated content from its copy', {
        path: copy.path,
        from: file.readPos,
      });
    } else if (step.orphan) {
      // Its batch in flight (already read) still gets answered and committed.
      this.files.push({ ...file, handle: null, lines: undefined, phase: 'orphan' });
    }
    if (step.restart) {
      // The look's fstat may predate the truncation it then saw in the content: take the size now.
      await this.restart(file, path, old.format, now);
    } else {
      // A rotated file's new content is a sibling like any other: the scan judges it.
      this.files.splice(this.files.indexOf(file), 1);
      await file.handle?.close().catch(() => {});
    }
  }

  /**
   * The copy of a truncated file's content, and the anchor it holds. First by the anchor (the bytes
   * before the furthest offset read); else, for a copy made before the agent read past its end (a batch
   * read, then given back while the one before it waited for ingest), by the content the agent knows
   * shipped or in flight (identity.ts `knownContent`), if the copy holds all it has still to read.
   */
  private async locateCopy(file: TrackedFile): Promise<{ copy: Located | undefined; anchor: Anchor }> {
    const common = { exclude: this.trackedKeys(), sizeSeen: file.size, head: file.head };
    const copy = await locateContent(file.entry, { ...file.anchor, ...common });
    if (copy) return { copy, anchor: file.anchor };
    const known = knownContent(file.entry);
    if (known.end >= file.anchor.end || known.checksum === null)
      return { copy: undefined, anchor: file.anchor };
    const shorter = await locateContent(file.entry, { ...known, ...common, atLeast: file.readPos });
    return { copy: shorter, anchor: { end: known.end, checksum: known.checksum } };
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
