/**
 * One scan of the tailed paths and their rotated siblings (siblings.ts): places every file found.
 *
 * 1. A file whose inode is tracked: a tailed path names it (`renamed-back` if it had rotated away).
 *    Tracked active files no tailed path names any more have been `renamed-away` or `deleted`.
 * 2. A file holding a known entry's content (state entries not placed yet, retired ones), the same
 *    inode first, then copies (same first bytes and the same checksum before the committed offset):
 *    read from that entry's committed offset.
 * 3. The rest, by rotation.ts `candidateVerdict`: a tailed path is read from 0 (from its end on a first
 *    start with `--read-from end`); a sibling is read from 0 only when it appeared or changed after the
 *    agent's previous scan; compressed files and copies of files being read are skipped.
 * At the first scan, state entries still unplaced are looked for under any name in their directory, or
 * counted lost (unplaced.ts).
 */

import type { FileAccessError } from '../errors.ts';
import {
  type Candidate,
  type CopyMatch,
  closeCandidates,
  copyOfTracked,
  gatherCandidates,
  holdsEntry,
  inodeKey,
  isCompressed,
  openCandidate,
  signature,
} from '../finding/candidates.ts';
import { compressedFileError, openLog } from '../finding/discovery.ts';
import {
  checksumAt,
  EMPTY_CHECKSUM,
  extendFingerprint,
  FINGERPRINT_BYTES,
  newEntry,
  readStart,
} from '../identity/identity.ts';
import type { FileEntry } from '../state/schema.ts';
import { copyRecord } from './copies.ts';
import { type CandidateVerdict, candidateVerdict, nameTransition } from './rotation.ts';
import type { ScanHost as FileTracker } from './scan-host.ts';
import { setPhase, type TrackedFile } from './tracked-file.ts';
import { settleUnplaced } from './unplaced.ts';

export async function scan(tracker: FileTracker, now: number): Promise<void> {
  const scanAt = Date.now();
  const { candidates, problems } = await gatherCandidates(tracker.options.patterns);
  for (const probe of problems) {
    if (probe.kind === 'missing')
      tracker.problems.once(probe.path, 'missing', 'info', `waiting for ${probe.path} to appear`);
    else if (probe.kind === 'unusable') tracker.unusable(probe.path, probe.error);
  }
  for (const c of candidates.filter((c) => c.tailed)) {
    const stop = tracker.stops.covering(c.path, c.stats.dev, c.stats.ino);
    if (!stop) continue;
    tracker.problems.once(c.path, 'stopped', 'error', `not tailing ${c.path}: ${stop.reason}`);
    candidates.splice(candidates.indexOf(c), 1);
  }
  try {
    const rest = await placeTracked(tracker, candidates);
    const fresh = rest.filter((c) => tracker.skipped.get(inodeKey(c.stats)) !== signature(c.stats));
    await placeKnown(tracker, fresh, now);
    // Tailed paths first: a sibling may be a copy of a file this very scan starts tailing (a copytruncate
    // under way while the agent was stopped, of a file it never saw).
    for (const tailed of [true, false]) {
      const judged: Array<[Candidate, Judgement]> = [];
      for (const c of fresh) if (!c.placed && c.tailed === tailed) judged.push([c, await judge(tracker, c)]);
      // A truncation while judging may have made a copy look new: judge again after the next look.
      const settled = judged.every(([, j]) => j.verdict !== 'new') || (await tracker.allIntact());
      if (settled) for (const [c, judgement] of judged) await placeRest(tracker, c, judgement, now);
    }
    if (tracker.firstScan) await settleUnplaced(tracker, now, listedPaths(tracker, candidates));
    forgetRetired(tracker, new Set(candidates.map((c) => inodeKey(c.stats))));
  } finally {
    await closeCandidates(candidates.filter((c) => !c.kept));
  }
  tracker.firstScan = false;
  tracker.lastScanAt = scanAt;
  tracker.state.scannedAt = new Date(scanAt).toISOString();
}

/**
 * Retired entries whose inode no scan found several times in a row are forgotten (logrotate deleted
 * the file). One scan is not enough: a rotation between its directory listing and its stats hides a
 * file for that one scan, and a forgotten file renamed again would look new.
 */
const FORGET_AFTER_SCANS = 5;

function forgetRetired(tracker: FileTracker, present: ReadonlySet<string>): void {
  const kept = tracker.retired.filter((e) => {
    const misses = present.has(inodeKey(e)) ? 0 : (tracker.retiredMisses.get(e) ?? 0) + 1;
    if (misses >= FORGET_AFTER_SCANS) {
      tracker.retiredMisses.delete(e);
      return false;
    }
    tracker.retiredMisses.set(e, misses);
    return true;
  });
  tracker.retired.splice(0, tracker.retired.length, ...kept);
}

/** Step 1: names of tracked files. Returns the candidates that are not tracked. */
async function placeTracked(tracker: FileTracker, candidates: Candidate[]): Promise<Candidate[]> {
  const named = new Set<TrackedFile>();
  const rest: Candidate[] = [];
  for (const c of candidates) {
    const file = tracker.trackedInode(c.stats);
    if (!file) {
      rest.push(c);
      continue;
    }
    if (!c.tailed || named.has(file)) continue;
    named.add(file);
    const step = nameTransition(file.phase, { named: true });
    if (step) {
      setPhase(file, step.to);
      tracker.transition(step.name, 'rotated file is named by a tailed path again', { path: c.path });
    }
    if (file.phase === 'active') Object.assign(file.entry, { path: c.path, format: c.format });
  }
  for (const file of tracker.files) {
    if (!file.handle || named.has(file)) continue;
    const links = (await file.handle.stat()).nlink;
    const step = nameTransition(file.phase, { named: false, links });
    if (!step) continue;
    setPhase(file, step.to);
    tracker.transition(step.name, 'file rotated away (renamed or deleted): reading it to its end', {
      path: file.entry.path,
      unread: file.size - file.readPos,
    });
  }
  return rest;
}

/** Step 2: files holding a known entry's content, the same inode before any copy. */
async function placeKnown(tracker: FileTracker, candidates: Candidate[], now: number): Promise<void> {
  for (const sameInode of [true, false]) {
    for (const c of candidates) {
      if (c.placed) continue;
      for (const entry of [...tracker.unattached, ...tracker.retired]) {
        if (sameInode !== (entry.dev === c.stats.dev && entry.ino === c.stats.ino)) continue;
        // A copy's record is of its own inode only; recorded while still being written, it holds more
        // now: judged again as a copy, not read from here.
        if (entry.copy && (!sameInode || c.stats.size > entry.committed)) continue;
        if (!(await holdsEntry(c, entry))) continue;
        c.placed = true;
        await resume(tracker, c, entry, now);
        break;
      }
    }
  }
}

async function resume(tracker: FileTracker, c: Candidate, entry: FileEntry, now: number): Promise<void> {
  const wasRetired = tracker.retired.includes(entry);
  const nothingLeft = c.stats.size <= entry.committed && !entry.pending;
  Object.assign(entry, { path: c.path, dev: c.stats.dev, ino: c.stats.ino });
  // A tailed path takes the format configured now (a restart with another --format): from its first
  // batch on, not only from the next scan.
  if (c.tailed) entry.format = c.format;
  if (!c.tailed && nothingLeft) {
    // A rotated file fully shipped: remembered, not read.
    tracker.unattached = tracker.unattached.filter((e) => e !== entry);
    tracker.retire(entry);
    tracker.skipped.set(inodeKey(c.stats), signature(c.stats));
    return;
  }
  if (wasRetired) tracker.retired.splice(tracker.retired.indexOf(entry), 1);
  else tracker.unattached = tracker.unattached.filter((e) => e !== entry);
  const handle = c.handle!;
  c.kept = true;
  // A state written while the file was shorter than the fingerprint (a run killed soon after it began):
  // the fingerprint is taken over the first bytes now, before this scan judges the siblings, since a
  // copy of this file is told by them.
  if (entry.fingerprintBytes < FINGERPRINT_BYTES && c.stats.size > entry.fingerprintBytes)
    Object.assign(entry, await extendFingerprint(handle, c.stats.size, entry));
  tracker.track(
    entry,
    handle,
    c.stats.size,
    Math.min(now, c.stats.mtimeMs),
    c.tailed ? 'active' : 'rotated',
    await tracker.anchorOf(entry, handle),
  );
  tracker.problems.clear(c.path);
  tracker.stops.clear(c.path);
  tracker.options.logger.info(c.tailed ? 'resuming file' : 'resuming a rotated file', {
    path: c.path,
    offset: entry.committed,
    size: c.stats.size,
  });
}

/** A verdict, and for a copy of a tracked file, which one. */
interface Judgement {
  verdict: CandidateVerdict;
  copy?: CopyMatch | undefined;
}

/** Step 3: the verdict of rotation.ts for a file that holds nothing known. */
async function judge(tracker: FileTracker, c: Candidate): Promise<Judgement> {
  // Opened by name, checked to be the inode the scan found: a rotation in between puts another file
  // under that name, which the next scan judges.
  if (!(await openCandidate(c))) {
    if (c.tailed)
      await openLog(c.path).then(
        (h) => h.close(),
        (e: unknown) => tracker.unusable(c.path, e as FileAccessError),
      );
    return { verdict: 'wait' };
  }
  const copy = await copyOfTracked(c, tracker.files);
  const verdict = candidateVerdict({
    tailed: c.tailed,
    tracked: false,
    compressed: await isCompressed(c),
    known: false,
    copyOfTracked: copy !== undefined,
    changedAt: Math.max(c.stats.mtimeMs, c.stats.ctimeMs),
    lastScanAt: tracker.lastScanAt,
    size: c.stats.size,
  });
  return { verdict, copy };
}

async function placeRest(
  tracker: FileTracker,
  c: Candidate,
  { verdict, copy }: Judgement,
  now: number,
): Promise<void> {
  if (verdict === 'wait') return;
  if (verdict !== 'new') {
    tracker.skipped.set(inodeKey(c.stats), signature(c.stats));
    if (verdict === 'skip-compressed' && c.tailed)
      tracker.problems.once(c.path, 'compressed', 'warn', compressedFileError(c.path).message);
    if (verdict === 'skip-copy') {
      tracker.options.logger.info('ignoring a copy of a tracked file', { path: c.path });
      // Its content is the tracked file's (copies.ts): known as such from now on, whatever befalls it.
      const record = copy && copyRecord(copy.of.entry, c, copy.checksum);
      if (record) tracker.retire(record);
    }
    return;
  }
  const handle = c.handle!;
  c.kept = true;
  const stats = await handle.stat();
  // Fingerprint and first bytes from one read (identity.ts `readStart`): a refill before the end of this
  // look cannot leave the size seen without the first bytes its repeated lines are told by.
  const start = await readStart(handle, stats.size);
  const entry = newEntry(c.path, c.format, stats, start, now);
  entry.size = start.size;
  let anchor = { end: 0, checksum: EMPTY_CHECKSUM };
  if (c.tailed && tracker.firstScan && tracker.firstStart && tracker.options.readFrom === 'end') {
    entry.committed = start.size;
    entry.checksum = (await checksumAt(handle, start.size)) ?? null;
    anchor = { end: start.size, checksum: entry.checksum ?? '' };
  }
  const file = tracker.track(
    entry,
    handle,
    start.size,
    Math.min(now, stats.mtimeMs),
    c.tailed ? 'active' : 'rotated',
    anchor,
  );
  file.head = start.head;
  tracker.problems.clear(c.path);
  tracker.stops.clear(c.path);
  tracker.options.logger.info(
    c.tailed ? 'tailing file' : 'reading a rotated file that holds lines never shipped',
    {
      path: c.path,
      offset: entry.committed,
      size: stats.size,
    },
  );
}

/** The paths `--file` names now: tailed paths found, and the plain (not glob) ones not there yet. */
function listedPaths(tracker: FileTracker, candidates: readonly Candidate[]): Set<string> {
  return new Set([
    ...candidates.filter((c) => c.tailed).map((c) => c.path),
    ...tracker.options.patterns.filter((p) => !p.glob).map((p) => p.pattern),
  ]);
}
