/**
 * The files a scan finds (the tailed paths and their rotated siblings) and the content tests that place
 * each one: does it hold a known entry's content, is it a copy of a file being read, is it compressed.
 * tracker.ts turns the answers into a verdict (rotation.ts `candidateVerdict`) and acts on it.
 */
import type { Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import {
  checksumAt,
  fingerprintMatches,
  holdsContent,
  knownContent,
  readFingerprint,
  startsWithHead,
} from '../identity/identity.ts';
import { readInto } from '../reading/reader.ts';
import type { TrackedFile } from '../rotation/tracked-file.ts';
import type { FileEntry } from '../state/schema.ts';
import { expandPatterns, type PathPattern, type Probe, probePath } from './discovery.ts';
import { hasCompressedName, listRotatedSiblings } from './siblings.ts';

export interface Candidate {
  path: string;
  format: string;
  /** Named by a pattern (rather than a rotated sibling of such a path). */
  tailed: boolean;
  stats: Stats;
  /** Opened on demand (`openCandidate`); the owner closes it unless it is kept for reading. */
  handle?: FileHandle;
  /** A verdict was reached in this scan. */
  placed?: boolean;
  /** Its handle now belongs to a tracked file. */
  kept?: boolean;
}

/** `dev:ino`: the key of a file's inode. */
export function inodeKey(s: { dev: number; ino: number }): string {
  return `${s.dev}:${s.ino}`;
}

/** What a file looks like without opening it: a change to any of these is a reason to look again. */
export function signature(stats: Stats): string {
  return `${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

/**
 * Every file the patterns name now (in pattern order) and every rotated sibling of those names. The
 * probes of tailed paths that are missing or unusable come back too, for the caller to report.
 */
export async function gatherCandidates(
  patterns: readonly PathPattern[],
): Promise<{ candidates: Candidate[]; problems: Probe[] }> {
  const tailed = await expandPatterns(patterns);
  const candidates: Candidate[] = [];
  const problems: Probe[] = [];
  for (const [path, format] of tailed) {
    const probe = await probePath(path);
    if (probe.kind === 'file') candidates.push({ path, format, tailed: true, stats: probe.stats });
    else problems.push(probe);
  }
  for (const [path, owner] of await listRotatedSiblings(tailed.keys())) {
    if (tailed.has(path)) continue;
    const stats = await stat(path).catch(() => undefined);
    if (stats?.isFile()) candidates.push({ path, format: tailed.get(owner)!, tailed: false, stats });
  }
  return { candidates, problems };
}

/** Opens the candidate once; undefined when it cannot be read (gone since the scan, no permission). */
export async function openCandidate(c: Candidate): Promise<FileHandle | undefined> {
  if (c.handle) return c.handle;
  const handle = await open(c.path, 'r').catch(() => undefined);
  if (!handle) return undefined;
  const stats = await handle.stat();
  // Renamed or replaced between the scan and now: judged at the next scan.
  if (stats.dev !== c.stats.dev || stats.ino !== c.stats.ino) {
    await handle.close();
    return undefined;
  }
  c.stats = stats;
  c.handle = handle;
  return handle;
}

/**
 * Whether the candidate holds `entry`'s content (same inode or a copy) up to its committed offset, or
 * up to its pending range's end when that range's checksum is known (identity.ts `knownContent`), and
 * is no shorter than the size the agent last saw it at (`entry.size`). Several files can start with the
 * same lines and hold the same bytes before an early offset (a refill and the copies logrotate made of
 * it): a log only grows, so one shorter than what was seen is not the file the agent saw. A copy made
 * before that size was seen (copytruncate's window) is shorter: the first scan's search (scan.ts
 * `settleUnplaced`) finds it once no file that is long enough holds the entry.
 */
export async function holdsEntry(c: Candidate, entry: FileEntry): Promise<boolean> {
  const sameInode = entry.dev === c.stats.dev && entry.ino === c.stats.ino;
  // A copy can only be told by its first bytes: without any, a same-inode match is all there is.
  if (!sameInode && entry.fingerprintBytes === 0) return false;
  const known = knownContent(entry);
  if (c.stats.size < known.end || c.stats.size < entry.size) return false;
  const handle = await openCandidate(c);
  if (
    !handle ||
    !(await holdsContent(handle, c.stats.size, { ...entry, checksum: known.checksum }, known.end))
  )
    return false;
  // And the bytes before the size a look saw, when beyond: same first lines and more is not enough.
  const seen = entry.seen;
  if (!seen || seen.end <= known.end || seen.end > c.stats.size) return true;
  return (await checksumAt(handle, seen.end)) === seen.checksum;
}

/** gzip's magic number (RFC 1952 §2.3.1) or a compressed file's name. */
export async function isCompressed(c: Candidate): Promise<boolean> {
  if (hasCompressedName(c.path)) return true;
  const handle = await openCandidate(c);
  if (!handle) return false;
  const magic = Buffer.alloc(2);
  return (await readInto(handle, magic, 2, 0)) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
}

/** A candidate found to be a copy of a file being read: which file, and whether byte for byte. */
export interface CopyMatch {
  of: TrackedFile;
  /**
   * identity.ts `checksumAt` of the candidate's bytes before its end, when those are the file's bytes
   * there too (a copy of the live file, as it is now); undefined for a copy judged by its first bytes and
   * anchor alone (one that may hold content the file no longer has).
   */
  checksum: string | undefined;
}

/**
 * Whether the candidate is a copy of a file being read: the same first bytes (the fingerprint, and the
 * first bytes the agent saw as far as both reach: a refill repeats only a few lines), and the bytes the
 * agent read there (the file's anchor) or, for a copy shorter than that, the same bytes as the file
 * before the copy's end. The caller checks afterwards that the tracked files were not truncated
 * meanwhile.
 */
export async function copyOfTracked(
  c: Candidate,
  files: readonly TrackedFile[],
): Promise<CopyMatch | undefined> {
  for (const f of files) {
    if (!f.handle || f.entry.fingerprintBytes === 0) continue;
    const handle = await openCandidate(c);
    if (!handle) return undefined;
    // A copy still being written (shorter than the fingerprint) is compared with the file's own head.
    const n = Math.min(c.stats.size, f.entry.fingerprintBytes);
    const head =
      n === f.entry.fingerprintBytes
        ? await fingerprintMatches(handle, f.entry)
        : (await readFingerprint(handle, n)).fingerprint === (await readFingerprint(f.handle, n)).fingerprint;
    if (!head || !(await startsWithHead(handle, c.stats.size, f.head))) continue;
    if (c.stats.size >= f.anchor.end && (await checksumAt(handle, f.anchor.end)) !== f.anchor.checksum)
      continue;
    // A copy's last bytes are the file's bytes there too, as long as the file holds the content copied.
    const mine = await checksumAt(handle, c.stats.size);
    const theirs = await checksumAt(f.handle, c.stats.size);
    if (theirs !== undefined && mine === theirs) return { of: f, checksum: mine };
    // Copies are made of the live file: a rotated sibling holding a tailed file's first bytes and anchor
    // is its copy even when their last bytes differ, as it may hold the content the entry really has
    // (refilled since: a truncation or a 409 moves the entry to it, truncation.ts). Otherwise (a tailed
    // path, which nginx writes to and which a glob such as `access.log*` also gives to copies; or a file
    // rotated away, which nothing copies) one that only starts with the same lines (a refill, or a copy
    // of one) is a log of its own. A candidate longer than the file is now holds bytes the file never
    // had (a log only grows): not its copy.
    if (c.stats.size >= f.anchor.end && !c.tailed && f.phase === 'active')
      return { of: f, checksum: undefined };
  }
  return undefined;
}

export async function closeCandidates(candidates: readonly Candidate[]): Promise<void> {
  for (const c of candidates) await c.handle?.close().catch(() => {});
}
