/**
 * The last step of an agent run's first scan (scan.ts): state entries no scanned name holds. Their
 * content is looked for under any name in their directory (a rename or copytruncate while the agent was
 * stopped); what cannot be found, and what the agent saw beyond a copy's end, is counted lost.
 */

import { isListedOrRotated } from '../finding/siblings.ts';
import { knownContent } from '../identity/identity.ts';
import { locateContent } from './locate.ts';
import { lostOnTruncation } from './rotation.ts';
import type { ScanHost as FileTracker } from './scan-host.ts';

/** State entries no scanned name holds: their content under another name in the directory, or lost. */
export async function settleUnplaced(
  tracker: FileTracker,
  now: number,
  listed: ReadonlySet<string>,
): Promise<void> {
  for (const entry of tracker.unattached) {
    const located = await locateContent(entry, {
      ...knownContent(entry),
      exclude: tracker.trackedKeys(),
      sizeSeen: entry.size,
    });
    if (!located) {
      // Lost: what the agent saw beyond what it read. The range in flight was read and sent: ingest may
      // hold it, so it is said, not counted.
      const read = Math.max(entry.committed, entry.pending?.end ?? 0);
      if (entry.pending)
        tracker.options.logger.warn('the batch in flight when the agent stopped is in no file any more', {
          path: entry.path,
          batchId: entry.pending.batchId,
          start: entry.pending.start,
          end: entry.pending.end,
          hint: 'ingest holds it if it stored it before the stop; it cannot be sent again',
        });
      tracker.lose(entry, entry.size - read, 'was deleted or replaced while the agent was not running');
      continue;
    }
    if (!located.sameInode) {
      // copytruncate while the agent was stopped: what it saw beyond the copy and beyond what it read
      // (its size is in the state) was written between the copy and the truncate: in no file now.
      const read = Math.max(entry.committed, entry.pending?.end ?? 0);
      tracker.lose(
        entry,
        lostOnTruncation(entry.size, read, located.stats.size),
        `was truncated while the agent was not running, after nginx wrote past the end of its copy ${located.path}`,
      );
    }
    Object.assign(entry, { path: located.path, dev: located.stats.dev, ino: located.stats.ino });
    if (located.stats.size <= entry.committed && !entry.pending) {
      await located.handle.close();
      tracker.retire(entry);
      continue;
    }
    const anchor = await tracker.anchorOf(entry, located.handle);
    tracker.track(entry, located.handle, located.stats.size, now, 'rotated', anchor);
    if (isListedOrRotated(located.path, listed))
      tracker.options.logger.info('resuming a rotated file', { path: located.path, offset: entry.committed });
    // Its lines were logged while it was tailed, so they are shipped (exactly once): read like a rotated
    // file, to its end, then let go. Said loudly: a user who dropped it from --file does not expect it.
    else
      tracker.options.logger.warn('reading a file no longer named by --file: an earlier run tailed it', {
        path: located.path,
        offset: entry.committed,
        size: located.stats.size,
        hint: 'its unshipped lines are sent, then it is let go; a state directory per set of files avoids this',
      });
  }
  tracker.unattached = [];
}
