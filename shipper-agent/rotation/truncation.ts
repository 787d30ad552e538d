/**
 * What the agent does when a tracked file no longer holds the content it was reading: truncated
 * (copytruncate, or emptied or refilled; found by a look, content-look.ts) or, after ingest answered
 * 409 for a pending range, known to hold other bytes. What was not read yet is read from a copy holding
 * it (found by content, locate.ts); what the agent saw and no copy holds is counted lost; the file's
 * descriptor then starts over at 0 as a new file. The tracker (tracker.ts) runs these over itself as
 * the `TruncationHost`.
 */
import type { Logger } from '../../lib/log/index.ts';
import {
  checksumAt,
  knownContent,
  newEntry,
  readHead,
  readStart,
  sharedLinePrefix,
} from '../identity/identity.ts';
import type { FileEntry } from '../state/schema.ts';
import { truncationLook } from './content-look.ts';
import { settleCopies } from './copies.ts';
import { type Located, locateContent } from './locate.ts';
import { lostOnTruncation, truncation } from './rotation.ts';
import type { ScanHost } from './scan-host.ts';
import { type Anchor, positionFields, restartTrackedFile, type TrackedFile } from './tracked-file.ts';

/**
 * What a truncation reads and changes of the tracker that carries it out: the tracked files, the
 * retired entries (its copies), the loss count and the transition log. `FileTracker` (tracker.ts) is the
 * one host; naming its shape here keeps this module from importing tracker.ts, which imports it.
 */
export type TruncationHost = Pick<
  ScanHost,
  'files' | 'retired' | 'lose' | 'trackedKeys' | 'transition' | 'track'
> & {
  /** The tracker's options (tracker.ts `TrackerOptions`), the parts a truncation uses. */
  readonly options: { readonly logger: Logger; readonly countLines: boolean };
};

/**
 * The content being read is gone from the file: copytruncate, or emptied or refilled. What was not
 * read yet is read from a copy holding it (found by content); what the agent saw and no copy holds is
 * counted lost. An active file then starts over at 0 with its new content.
 */
export async function carryOutTruncation(
  host: TruncationHost,
  file: TrackedFile,
  now: number,
): Promise<void> {
  const old = file.entry;
  const path = old.path;
  const { copy, anchor } = await locateCopy(host, file);
  // Its other copies hold nothing more to read: recorded at their size now (copies.ts).
  await settleCopies(host.retired, old, file.readPos, copy?.stats);
  const outstanding = old.pending !== null || old.committed < file.readPos;
  const step = truncation(file.phase, copy !== undefined, outstanding);
  host.transition(step.name, 'file was truncated (copytruncate?): its content is no longer in it', {
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
    host.lose(
      old,
      lost,
      copy
        ? `was truncated after nginx wrote past the end of its copy ${copy.path}`
        : 'was truncated before it was fully shipped, and no copy with the same first bytes is next to it',
    );
  }
  if (copy) {
    // What was seen of the original is no measure of the copy, complete and perhaps shorter.
    Object.assign(old, { path: copy.path, dev: copy.stats.dev, ino: copy.stats.ino, seen: null });
    // The copy is complete and old news: due at once (seen at 0), read from where the original stood.
    const moved = host.track(old, copy.handle, copy.stats.size, 0, 'copy', anchor);
    moved.readPos = file.readPos;
    moved.lines?.reset(file.readPos);
    host.options.logger.info('reading the rest of the truncated content from its copy', {
      path: copy.path,
      from: file.readPos,
    });
  } else if (step.orphan) {
    // Its batch in flight (already read) still gets answered and committed. What it saw beyond what it
    // read is counted above: the entry no longer claims it, so a restart before the answer does not
    // count it again (unplaced.ts).
    old.size = file.readPos;
    host.files.push({ ...file, handle: null, lines: undefined, phase: 'orphan' });
  }
  if (step.restart) {
    // The look's fstat may predate the truncation it then saw in the content: take the size now.
    await restart(host, file, path, old.format, now);
  } else {
    // A rotated file's new content is a sibling like any other: the scan judges it.
    host.files.splice(host.files.indexOf(file), 1);
    await file.handle?.close().catch(() => {});
  }
}

/**
 * The copy of a truncated file's content, and the anchor it holds. First by the anchor (the bytes
 * before the furthest offset read); else, for a copy made before the agent read past its end (a batch
 * read, then given back while the one before it waited for ingest, or a batch prepared after one in
 * flight), by the content the agent knows shipped or in flight (identity.ts `knownContent`): what it
 * read beyond is in batches it holds, or lost.
 */
async function locateCopy(
  host: TruncationHost,
  file: TrackedFile,
): Promise<{ copy: Located | undefined; anchor: Anchor }> {
  const common = { exclude: host.trackedKeys(), sizeSeen: file.size, head: file.head };
  const copy = await locateContent(file.entry, { ...file.anchor, ...common });
  if (copy) return { copy, anchor: file.anchor };
  const known = knownContent(file.entry);
  if (known.end >= file.anchor.end || known.checksum === null)
    return { copy: undefined, anchor: file.anchor };
  const shorter = await locateContent(file.entry, { ...known, ...common });
  return { copy: shorter, anchor: { end: known.end, checksum: known.checksum } };
}

/**
 * The file's descriptor starts over at 0 as a new file: its size now, and its fingerprint and first
 * bytes from one read (identity.ts `readStart`), so a refill right after cannot leave the size seen
 * without the first bytes that tell which lines a later refill repeats.
 */
export async function restart(
  host: Pick<TruncationHost, 'options'>,
  file: TrackedFile,
  path: string,
  format: string,
  now: number,
): Promise<void> {
  const handle = file.handle!;
  const current = await handle.stat();
  const start = await readStart(handle, current.size);
  const fresh = newEntry(path, format, current, start, now);
  fresh.size = start.size;
  restartTrackedFile(file, fresh, start.size, now, host.options.countLines);
  file.head = start.head;
  host.options.logger.debug('position', positionFields(file));
}

/**
 * After a 409: a copy (another inode next to it) holding the entry's committed content and at least
 * `stored` bytes takes the entry, read on from `stored` (the range ingest holds). Offsets in bytes.
 */
export async function continueInCopy(
  host: TruncationHost,
  file: TrackedFile,
  entry: FileEntry,
  stored: number,
): Promise<void> {
  const copy = await locateContent(entry, {
    end: entry.committed,
    checksum: entry.checksum,
    exclude: host.trackedKeys(),
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
    seen: null,
  };
  const tracked = host.track(moved, copy.handle, copy.stats.size, 0, 'copy', { end: stored, checksum });
  tracked.readPos = stored;
  tracked.lines?.reset(stored);
  host.options.logger.info('reading the rest of the content ingest answered 409 for from its copy', {
    path: copy.path,
    from: stored,
    was: file.entry.path,
  });
}
