/**
 * Rotation as one state machine per tracked file, in the spirit of Vector's file watcher: each look
 * turns what the agent observed into one named transition, and each transition says what becomes of the
 * file's content. Pure functions; tracker.ts makes the observations (content-look.ts, scan.ts) and
 * carries the transitions out (truncation.ts, scan.ts).
 *
 * Phases of a tracked file:
 * - `active`: a tailed path names it; read as it grows.
 * - `rotated`: renamed away, deleted, or a rotated sibling found holding unshipped bytes; read to its end
 *   through the open descriptor, let go once shipped and quiet for the grace period.
 * - `copy`: the copy (copytruncate's `access.log.1`) holding the rest of a truncated file's content;
 *   read from where the original's reading stood, let go once read.
 * - `orphan`: its content is gone (truncated, no copy); kept only until its batch in flight is answered.
 *
 * Transitions (the names appear in the agent's log as `transition`):
 *
 * | from                | observed                                   | transition      | to        |
 * |---------------------|--------------------------------------------|-----------------|-----------|
 * | any with a file     | same content, more bytes / no change       | `grew`/`unchanged` | same   |
 * | active              | no tailed path names it, links left        | `renamed-away`  | rotated   |
 * | active              | no tailed path names it, no link left      | `deleted`       | rotated   |
 * | rotated             | a tailed path names it again               | `renamed-back`  | active    |
 * | any with a file     | content changed, a copy holds it           | `copytruncated` | copy (the content); an active file starts over at 0 |
 * | any with a file     | content changed, no copy                   | `truncated`     | orphan or gone; an active file starts over at 0 |
 * | rotated/copy/orphan | read, shipped, quiet                       | `let-go`        | gone (remembered as retired) |
 *
 * "Content changed" is decided by {@link contentChange}: the file is shorter than what was seen or read,
 * or its first bytes, the bytes just before the offset the agent read to, or those just before the size
 * it saw, are not what they were.
 * A file that only ever grows cannot shrink, so any shrink is a truncation even when refilled.
 */

export type Phase = 'active' | 'rotated' | 'copy' | 'orphan';

export type TransitionName =
  | 'grew'
  | 'unchanged'
  | 'renamed-away'
  | 'deleted'
  | 'renamed-back'
  | 'copytruncated'
  | 'truncated'
  | 'let-go';

/** One look at a tracked file's open descriptor. Offsets in bytes. */
export interface ContentLook {
  /** fstat size now. */
  size: number;
  /** The size at the previous look. */
  sizeSeen: number;
  /** The offset the agent read to and checked the bytes before (the anchor). */
  readTo: number;
  /** The first bytes are those fingerprinted. */
  headMatches: boolean;
  /** The bytes just before `readTo` are those read. */
  anchorMatches: boolean;
  /**
   * The bytes just before the size seen at an earlier look are still those seen there (true when no
   * look took them yet): a refill with the same first lines that grew back past what was seen, under
   * an offset inside those lines, changes them.
   */
  seenMatches: boolean;
}

/** Whether the content the agent was reading is still there: `truncated` covers refills too. */
export function contentChange(look: ContentLook): 'grew' | 'unchanged' | 'truncated' {
  if (look.size < look.readTo || look.size < look.sizeSeen) return 'truncated';
  if (!look.headMatches || !look.anchorMatches || !look.seenMatches) return 'truncated';
  return look.size > look.sizeSeen ? 'grew' : 'unchanged';
}

/** What the scan of the tailed paths says about a tracked file's name. */
export type NameLook = { named: true } | { named: false; links: number };

/** The transition a name look makes, or undefined when the phase stays. */
export function nameTransition(
  phase: Phase,
  look: NameLook,
): { name: TransitionName; to: Phase } | undefined {
  if (phase === 'active' && !look.named)
    return look.links === 0 ? { name: 'deleted', to: 'rotated' } : { name: 'renamed-away', to: 'rotated' };
  if (phase === 'rotated' && look.named) return { name: 'renamed-back', to: 'active' };
  return undefined;
}

/** What a truncation does to the truncated file itself (its old content goes to the copy, if any). */
export function truncation(
  phase: Phase,
  copyFound: boolean,
  batchOutstanding: boolean,
): { name: TransitionName; restart: boolean; orphan: boolean } {
  return {
    name: copyFound ? 'copytruncated' : 'truncated',
    // Only a file a tailed path names starts over: a rotated file's new content is a sibling, which
    // the scan judges like any other (read when it changed after the agent's last look).
    restart: phase === 'active',
    // Without a copy, an answered-but-uncommitted batch still needs its entry to be committed.
    orphan: !copyFound && batchOutstanding,
  };
}

/**
 * Bytes known lost by a truncation: those the agent saw in the file beyond its read position, the end
 * of the copy (nginx wrote them between the copy and the truncate) and the whole lines the truncated
 * file holds again from its start (`reread`: refilled with the same first lines, which the file, now
 * read from 0, ships again). Bytes it never saw it cannot count; bytes the copy holds are read from it.
 */
export function lostOnTruncation(
  sizeSeen: number,
  readPos: number,
  copySize: number | undefined,
  reread = 0,
): number {
  return Math.max(0, sizeSeen - Math.max(readPos, copySize ?? readPos, reread));
}

/** Facts about a file found by a scan (a tailed path or a rotated sibling of one). */
export interface CandidateFacts {
  /** A tailed path (a pattern matches it) rather than a rotated sibling. */
  tailed: boolean;
  /** Its inode is tracked already. */
  tracked: boolean;
  /** gzip-compressed (by name or by its first bytes). */
  compressed: boolean;
  /** It holds the content of a known entry (same inode or a copy) up to that entry's committed offset. */
  known: boolean;
  /** A copy of a file being read now: that file supplies its bytes. */
  copyOfTracked: boolean;
  /** max(mtime, ctime) in ms: when it appeared, was renamed or written. */
  changedAt: number;
  /** The agent's last scan (ms), or undefined when it never looked (an empty state). */
  lastScanAt: number | undefined;
  /** Its size now: an empty sibling says nothing yet (a copy may just have been created). */
  size: number;
}

export type CandidateVerdict =
  | 'tracked'
  | 'resume'
  | 'skip-compressed'
  | 'skip-copy'
  | 'new'
  | 'skip-old'
  | 'wait';

/**
 * Coarse file-system clocks (a jiffy) can date a change a little before the look that preceded it;
 * siblings that changed this close to the last scan count as changed after it.
 */
export const CLOCK_SLACK_MS = 50;

/**
 * What to do with a file a scan found. Known content is resumed from its committed offset; a tailed
 * path is always read; a rotated sibling that matches nothing is read (from 0) only when it appeared or
 * changed after the agent's last scan: before that the agent would have known it, and with an empty
 * state rotated siblings are history the agent was never asked to ship. An empty sibling is judged once
 * it holds something (`wait`): it may be a copy being made. A copy of a file being read is skipped
 * even under a tailed name (a glob such as `access.log*` matches copytruncate's copies).
 */
export function candidateVerdict(facts: CandidateFacts): CandidateVerdict {
  if (facts.tracked) return 'tracked';
  if (facts.compressed) return 'skip-compressed';
  if (facts.known) return 'resume';
  if (facts.size === 0) return facts.tailed ? 'new' : 'wait';
  if (facts.copyOfTracked) return 'skip-copy';
  if (facts.tailed) return 'new';
  if (facts.lastScanAt !== undefined && facts.changedAt > facts.lastScanAt - CLOCK_SLACK_MS) return 'new';
  return 'skip-old';
}
