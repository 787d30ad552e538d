/**
 * The set of files being tailed and what happens to them between two looks: new matches are opened
 * (resuming from the state when their identity is known), a file renamed away keeps being read through
 * its open descriptor until its end, a truncated file (copytruncate) starts again at 0 while the rest of
 * its old content is read from the copy, and files the state knows but nothing names any more are found
 * next to their old path or reported as lost, with the byte count.
 */
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Logger } from '../lib/log/index.ts';
import type { AgentState, FileEntry } from './checkpoint.ts';
import { compressedFileError, expandPatterns, openLog, type PathPattern, probePath } from './discovery.ts';
import type { FileAccessError } from './errors.ts';
import {
  FINGERPRINT_BYTES,
  fingerprintMatches,
  newEntry,
  readFingerprint,
  sameFingerprint,
} from './identity.ts';
import { locateContent } from './locate.ts';
import { ProblemReporter } from './problems.ts';
import { readInto } from './reader.ts';
import { StopList } from './stopped.ts';
import {
  isFinished,
  newTrackedFile,
  observeSize,
  restartTrackedFile,
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

export class FileTracker {
  readonly files: TrackedFile[] = [];
  private unattached: FileEntry[];
  private firstDiscovery = true;
  private readonly problems: ProblemReporter;
  /** Files not tailed, with their reasons (in the state, so `agent status` shows them). */
  readonly stops: StopList;
  /** dev:ino of files never to tail: compressed ones, copies of tracked ones. */
  private readonly ignored = new Set<string>();
  private readonly scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(
    private readonly options: TrackerOptions,
    state: AgentState,
  ) {
    this.unattached = [...state.files];
    this.problems = new ProblemReporter(options.logger, state);
    this.stops = new StopList(state);
  }

  /**
   * A path named literally (not by a glob) that cannot be tailed at start-up: a mistake to stop on
   * (a symlink to /dev/stdout, a directory, no permission) rather than to wait out.
   */
  readonly startupErrors: FileAccessError[] = [];

  private unusable(path: string, error: FileAccessError): void {
    const literal = this.options.patterns.some((p) => !p.glob && p.pattern === path);
    // Thrown by start() when no path can be tailed; otherwise this path alone is stopped, said once,
    // shown in `agent status`, and tried again at every look.
    if (this.firstDiscovery && literal && error.problem !== 'compressed') this.startupErrors.push(error);
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

  /**
   * Looks at the files again; `discover` also expands the patterns (new files, renames). Bytes a file
   * grew by appeared no earlier than `arrivedAt` (their batch age counts from then). Returns whether a
   * file grew.
   */
  async refresh(now: number, discover: boolean, arrivedAt = now): Promise<boolean> {
    if (discover) await this.discover(now);
    let grew = false;
    for (const file of [...this.files]) {
      try {
        if (file.handle && (await this.check(file, now, arrivedAt))) grew = true;
      } catch (error) {
        await this.stopFile(file, `cannot read it: ${(error as Error).message}`);
      }
    }
    this.letGo(now);
    return grew;
  }

  async close(): Promise<void> {
    for (const file of this.files) await file.handle?.close().catch(() => {});
  }

  private async discover(now: number): Promise<void> {
    const matched = new Set<TrackedFile>();
    for (const [path, format] of await expandPatterns(this.options.patterns)) {
      const probe = await probePath(path);
      if (probe.kind === 'missing') {
        this.problems.once(path, 'missing', 'info', `waiting for ${path} to appear`);
        continue;
      }
      if (probe.kind === 'unusable') {
        this.unusable(path, probe.error);
        continue;
      }
      const stop = this.stops.covering(path, probe.stats.dev, probe.stats.ino);
      if (stop) {
        this.problems.once(path, 'stopped', 'error', `not tailing ${path}: ${stop.reason}`);
        continue;
      }
      const known = this.files.find(
        (f) => f.handle && f.entry.dev === probe.stats.dev && f.entry.ino === probe.stats.ino,
      );
      if (known) {
        // Still named by a pattern (perhaps under a new name that also matches): an ordinary file.
        Object.assign(known.entry, { path, format, rotated: false });
        matched.add(known);
        continue;
      }
      if (this.ignored.has(`${probe.stats.dev}:${probe.stats.ino}`)) continue;
      const opened = await this.open(path, format, now);
      if (opened) matched.add(opened);
    }
    for (const file of this.files) {
      if (file.handle && !file.entry.rotated && !matched.has(file)) {
        file.entry.rotated = true;
        this.options.logger.info('file rotated away (renamed or deleted): reading it to its end', {
          path: file.entry.path,
          unread: file.size - file.readPos,
        });
      }
    }
    if (this.firstDiscovery) {
      this.firstDiscovery = false;
      await this.settleUnattached(now);
    }
  }

  private async open(path: string, format: string, now: number): Promise<TrackedFile | undefined> {
    let handle: FileHandle;
    try {
      handle = await openLog(path);
    } catch (error) {
      this.unusable(path, error as FileAccessError);
      return undefined;
    }
    const stats = await handle.stat();
    const key = `${stats.dev}:${stats.ino}`;
    const magic = Buffer.alloc(2);
    if ((await readInto(handle, magic, 2, 0)) === 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
      this.ignored.add(key);
      this.problems.once(path, 'compressed', 'warn', compressedFileError(path).message);
      await handle.close();
      return undefined;
    }
    const fp = await readFingerprint(handle, stats.size);
    const full = fp.fingerprintBytes === FINGERPRINT_BYTES;
    if (full && this.files.some((f) => f.handle && sameFingerprint(f.entry, fp))) {
      this.ignored.add(key);
      this.options.logger.info('ignoring a copy of a tracked file (same first bytes)', { path });
      await handle.close();
      return undefined;
    }
    // Known from the state: the same inode with the same first bytes, or (copytruncate while the agent
    // was down) a copy holding what was being read.
    const same = (e: FileEntry) => e.dev === stats.dev && e.ino === stats.ino && e.committed <= stats.size;
    const copy = (e: FileEntry) => full && sameFingerprint(e, fp) && e.committed <= stats.size;
    let entry =
      (await this.takeUnattached(async (e) => same(e) && (await fingerprintMatches(handle, e)))) ??
      (await this.takeUnattached(async (e) => copy(e)));
    const resumed = entry !== undefined;
    if (entry) Object.assign(entry, { path, format, dev: stats.dev, ino: stats.ino, rotated: false });
    else {
      entry = newEntry(path, format, stats, fp, now);
      if (this.firstDiscovery && this.options.readFrom === 'end') entry.committed = stats.size;
    }
    const file = this.track(entry, handle, stats, Math.min(now, stats.mtimeMs));
    this.problems.clear(path);
    this.stops.clear(path);
    this.options.logger.info(resumed ? 'resuming file' : 'tailing file', {
      path,
      offset: entry.committed,
      size: stats.size,
    });
    return file;
  }

  private async takeUnattached(test: (e: FileEntry) => Promise<boolean>): Promise<FileEntry | undefined> {
    for (const [i, e] of this.unattached.entries()) {
      if (await test(e)) return this.unattached.splice(i, 1)[0];
    }
    return undefined;
  }

  private track(entry: FileEntry, handle: FileHandle | null, stats: Stats, seenAt: number): TrackedFile {
    const file = newTrackedFile(entry, handle, stats.size, seenAt, this.options.countLines);
    this.files.push(file);
    return file;
  }

  /** State entries no pattern matched at start-up: find their content next to their path, or report it lost. */
  private async settleUnattached(now: number): Promise<void> {
    for (const entry of this.unattached) {
      // The file may have grown after the last state write: look for it even when all it had was shipped.
      const needed = Math.max(entry.size, entry.pending?.end ?? 0);
      const located = await locateContent(entry, { minSize: entry.pending?.end ?? entry.committed });
      const taken =
        located &&
        this.files.some((f) => f.entry.dev === located.stats.dev && f.entry.ino === located.stats.ino);
      if (!located || taken || (located.stats.size <= entry.committed && !entry.pending)) {
        await located?.handle.close();
        if (!located || taken) {
          this.lose(
            entry,
            needed - entry.committed,
            'was deleted or replaced while the agent was not running',
          );
        }
        continue;
      }
      Object.assign(entry, {
        path: located.path,
        dev: located.stats.dev,
        ino: located.stats.ino,
        rotated: true,
      });
      this.track(entry, located.handle, located.stats, now);
      this.options.logger.info('resuming a rotated file', { path: located.path, offset: entry.committed });
    }
    this.unattached = [];
  }

  /** One file's size and identity now; returns whether it grew (a truncation counts as growth). */
  private async check(file: TrackedFile, now: number, arrivedAt: number): Promise<boolean> {
    const handle = file.handle!;
    const stats = await handle.stat();
    if (stats.size < file.readPos || !(await fingerprintMatches(handle, file.entry))) {
      await this.truncated(file, stats, now);
      return true;
    }
    const grew = observeSize(file, stats.size, now, arrivedAt);
    if (file.entry.fingerprintBytes < FINGERPRINT_BYTES && stats.size > file.entry.fingerprintBytes) {
      Object.assign(file.entry, await readFingerprint(handle, stats.size));
    }
    await file.lines?.advance(handle, file.size, this.scratch);
    return grew;
  }

  /** The file shrank or its first bytes changed: copytruncate, or someone emptied it. */
  private async truncated(file: TrackedFile, stats: Stats, now: number): Promise<void> {
    const old = file.entry;
    const unread = Math.max(0, file.size - file.readPos);
    this.options.logger.warn('file was truncated (copytruncate?): reading it again from the start', {
      path: old.path,
      unread,
    });
    const located =
      unread > 0
        ? await locateContent(old, { minSize: file.readPos, exclude: { dev: stats.dev, ino: stats.ino } })
        : undefined;
    if (located) {
      Object.assign(old, {
        path: located.path,
        dev: located.stats.dev,
        ino: located.stats.ino,
        rotated: true,
      });
      // The copy is complete and old news: due at once, and final (no grace to wait out).
      const moved = this.track(old, located.handle, located.stats, 0);
      moved.readPos = file.readPos;
      moved.lines?.reset(file.readPos);
      this.options.logger.info('reading the rest of the truncated content from its copy', {
        path: located.path,
        from: file.readPos,
      });
      if (located.stats.size < file.size)
        this.lose(old, file.size - located.stats.size, 'was truncated, and its copy is shorter');
    } else {
      if (unread > 0)
        this.lose(
          old,
          unread,
          'was truncated before it was fully shipped, and no copy with the same first bytes is next to it',
        );
      // Its batch in flight (already read) still gets answered and committed.
      if (old.pending || old.committed < file.readPos) {
        this.files.push({ ...file, handle: null, lines: undefined });
      }
    }
    const fp = await readFingerprint(file.handle!, stats.size);
    const fresh = newEntry(old.path, old.format, stats, fp, now);
    restartTrackedFile(file, fresh, stats.size, now, this.options.countLines);
  }

  /**
   * The file no longer holds the bytes the agent knew (ingest answered 409 for its pending range):
   * from now on it is a new file, read from its start under a new id, so new batch keys.
   */
  async reidentify(entry: FileEntry, now: number): Promise<void> {
    entry.pending = null;
    const file = this.find(entry);
    if (!file?.handle) return;
    const stats = await file.handle.stat();
    const fresh = newEntry(
      entry.path,
      entry.format,
      stats,
      await readFingerprint(file.handle, stats.size),
      now,
    );
    fresh.rotated = entry.rotated;
    restartTrackedFile(file, fresh, stats.size, now, this.options.countLines);
  }

  /** Closes rotated files read, shipped and quiet for the grace period; drops answered orphans. */
  private letGo(now: number): void {
    for (const file of [...this.files]) {
      if (!isFinished(file, now, this.options.rotatedGraceMs)) continue;
      this.files.splice(this.files.indexOf(file), 1);
      if (file.handle) {
        void file.handle.close().catch(() => {});
        this.options.logger.info('rotated file fully shipped, letting it go', {
          path: file.entry.path,
          bytes: file.entry.committed,
        });
      }
    }
  }
}
