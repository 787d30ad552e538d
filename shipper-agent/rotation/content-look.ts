/**
 * One look at a tracked file's own content, through its open descriptor: grown, unchanged or truncated
 * (shrunk, or refilled under what was read: rotation.ts `contentChange`). A look that finds the file
 * grown takes the new size as seen, with the checksum of the bytes before it and a longer fingerprint
 * while it is short; after each look the tracker keeps the file's first bytes (`remember`). The checks
 * that found a file truncated are kept for the transition's log line (`truncationLook`). What a
 * truncation then does is truncation.ts.
 */
import type { Stats } from 'node:fs';
import type { Logger } from '../../lib/log/index.ts';
import {
  checksumAt,
  extendFingerprint,
  FINGERPRINT_BYTES,
  type Fingerprint,
  fingerprintMatches,
  HEAD_BYTES,
  readHead,
} from '../identity/identity.ts';
import { type ContentLook, contentChange } from './rotation.ts';
import { observeSize, positionFields, type TrackedFile } from './tracked-file.ts';

/**
 * One file's own content: grown, unchanged, or truncated (shrunk, or refilled under what was read).
 * Bytes it grew by appeared no earlier than `arrivedAt`; `scratch` is the line counter's read buffer.
 */
export async function lookAt(
  file: TrackedFile,
  now: number,
  arrivedAt: number,
  logger: Logger,
  scratch: Buffer,
): Promise<'grew' | 'unchanged' | 'truncated'> {
  const handle = file.handle!;
  const stats = await handle.stat();
  // Taken before the content is checked: a refill after it is then seen by those checks or the next.
  const seen = stats.size > file.seen.end ? await checksumAt(handle, stats.size) : undefined;
  const change = await contentNow(file, stats);
  if (change === 'truncated') return change;
  // A size counts as seen only together with its content (the bytes before it, the first bytes): a
  // size whose bytes were gone when read (copytruncate right after the fstat) was never seen. Counted
  // as seen, with a fingerprint too short to tell its copy by, those bytes were counted lost and the
  // copy read as a new file. The next look sees the file as it is now.
  if (stats.size > file.seen.end && seen === undefined) return 'unchanged';
  let longer: Fingerprint | undefined;
  if (file.entry.fingerprintBytes < FINGERPRINT_BYTES && stats.size > file.entry.fingerprintBytes) {
    // Over the same content only, and only while the file still holds what was seen: a truncation
    // between the checks above and this read is the next look's to see, with the old fingerprint.
    longer = await extendFingerprint(handle, stats.size, file.entry);
    if (!longer || (await handle.stat()).size < stats.size) return 'unchanged';
  }
  if (longer) Object.assign(file.entry, longer);
  if (seen !== undefined) file.seen = file.entry.seen = { end: stats.size, checksum: seen };
  const grew = observeSize(file, stats.size, now, arrivedAt);
  if (grew) logger.debug('position', positionFields(file));
  await file.lines?.advance(handle, file.size, scratch);
  return grew ? 'grew' : 'unchanged';
}

/**
 * Keeps what the file holds before the size seen (a file the scan just placed) and its first bytes (up
 * to HEAD_BYTES, no further than the size seen) for the loss count of a later refill. Only bytes that
 * are still the content known: the file no shorter than seen, its fingerprint and the head remembered so
 * far unchanged (a refill in between is the next look's to see).
 */
export async function remember(file: TrackedFile): Promise<void> {
  const handle = file.handle;
  if (!handle) return;
  // A file placed by this look's scan: what it holds before the size seen, for the next look.
  if (file.seen.end < file.size) {
    const checksum = await checksumAt(handle, file.size);
    if (checksum !== undefined) file.seen = file.entry.seen = { end: file.size, checksum };
  }
  const want = Math.min(file.size, HEAD_BYTES);
  if (file.head.length >= want) return;
  const head = await readHead(handle, want);
  if (head.length < want || (await handle.stat()).size < file.size) return;
  if (!head.subarray(0, file.head.length).equals(file.head)) return;
  if (!(await fingerprintMatches(handle, file.entry))) return;
  file.head = head;
}

/** rotation.ts `contentChange` for what the open file holds now. */
export async function contentNow(
  file: TrackedFile,
  stats: Stats,
): Promise<'grew' | 'unchanged' | 'truncated'> {
  const handle = file.handle!;
  const look: ContentLook = {
    size: stats.size,
    sizeSeen: file.size,
    readTo: Math.max(file.readPos, file.anchor.end),
    headMatches: await fingerprintMatches(handle, file.entry),
    anchorMatches: (await checksumAt(handle, file.anchor.end)) === file.anchor.checksum,
    seenMatches: (await checksumAt(handle, file.seen.end)) === file.seen.checksum,
  };
  const change = contentChange(look);
  if (change === 'truncated') truncationLooks.set(file, look);
  return change;
}

/** The look that found `file` truncated (which check said so), for the transition's log line. */
export function truncationLook(file: TrackedFile): ContentLook | undefined {
  return truncationLooks.get(file);
}

/** The look that found each file truncated: logged with the transition (which check said so). */
const truncationLooks = new WeakMap<TrackedFile, ContentLook>();
