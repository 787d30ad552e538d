/**
 * The agent's state, as versioned JSON in `<state-dir>/agent-state.json` (durability.ts writes and reads
 * it, parse.ts validates it): committed offsets and the write-ahead pending range of every tracked file,
 * the files let go, the stopped files and the failing batches, and the totals. Types and the pure
 * updates only; no I/O here.
 */
export const STATE_VERSION = 1;

/** A batch recorded before it was sent; after a crash it is sent again, same bytes, same key. */
export interface PendingRange {
  batchId: string;
  start: number;
  end: number;
  lines: number;
  /**
   * Checksum of the bytes just before `end` as they were read (identity.ts `checksumAt`): after a
   * restart only a file holding these bytes gets the range (a refilled file with the same first bytes
   * does not; its copy does). Absent in a state written before it existed.
   */
  checksum?: string;
}

/** One tracked file. Offsets are bytes from the file's start. */
export interface FileEntry {
  /** Stable id (see identity.ts `newFileId`); batch keys derive from it. */
  id: string;
  /** Where the file was last seen. A rotated file keeps the path it was tailed under. */
  path: string;
  /** Its lines' format (`X-Log-Format`), from the pattern that matched it. */
  format: string;
  dev: number;
  ino: number;
  fingerprint: string;
  fingerprintBytes: number;
  firstSeen: string;
  /** Everything before this offset is acknowledged by ingest. */
  committed: number;
  /**
   * Checksum of the bytes just before `committed` (identity.ts `checksumAt`): a file holds this entry's
   * content only if it has them. Null in a state written before it existed (the fingerprint alone then).
   */
  checksum: string | null;
  /** The file's size when last seen: `size - committed` is the lag. */
  size: number;
  pending: PendingRange | null;
  /** Renamed away or truncated: being read to its end before it is let go. */
  rotated: boolean;
  linesShipped: number;
  bytesShipped: number;
  batchesShipped: number;
  linesCut: number;
  linesRejected: number;
  lastAckAt: string | null;
  /** The format the lines are sent in and why; decided when the first batch is read (format-choice.ts). */
  formatChoice?: FormatChoice | null;
  /** The first reason ingest gave for a rejected line of this file (from its answer), or null. */
  firstRejectReason?: string | null;
  /**
   * A retired entry recording a copy of a file being read (rotation/copies.ts): its content is shipped
   * from that file. Found longer later (a copy still being written when recorded), it is judged again,
   * never read from here.
   */
  copy?: boolean;
  /**
   * The checksum of the bytes before the size a look saw (rotation/tracked-file.ts `seen`): a file holds
   * this entry only if it holds them too, so a file refilled with the same first lines while the agent
   * was stopped is not taken for the content it saw (chaos seed 903013).
   */
  seen?: { end: number; checksum: string } | null;
}

/** The format in use for a file: `format`, chosen under the configured spec `configured`, `reason` why. */
export interface FormatChoice {
  format: string;
  reason: string;
  /** The configured format (`auto`, a name or a log_format) this choice was made under. */
  configured: string;
}

export interface StateTotals {
  linesShipped: number;
  bytesShipped: number;
  batchesShipped: number;
  linesCut: number;
  /** Lines ingest stored under rejects/ (unparseable for the format). */
  linesRejected: number;
  /** Bytes deleted or truncated away before they were shipped. */
  bytesLost: number;
}

export interface AgentInfo {
  pid: number;
  startedAt: string;
  /** Set on a clean stop; null while running or after a crash. */
  stoppedAt: string | null;
  endpoint: string;
  source: string;
  format: string;
  patterns: string[];
}

export interface AgentState {
  version: typeof STATE_VERSION;
  updatedAt: string;
  agent: AgentInfo | null;
  files: FileEntry[];
  /**
   * Files let go after being read to their end (rotated away, or copies), kept while they still exist
   * next to a tailed path: a rotated sibling matching one is known content, never read as new.
   */
  retired: FileEntry[];
  /**
   * When the agent last listed the tailed paths and their rotated siblings. A sibling that matches no
   * entry is read (as bytes never shipped) only when it appeared or changed after this; null: never.
   */
  scannedAt: string | null;
  /** Totals since the state directory was created, including files already let go. */
  totals: StateTotals;
  /** The latest problem (send failures, lost bytes); cleared when sending works again. */
  lastError: { at: string; message: string } | null;
  /** Files not tailed, each with its reason (stopped.ts: `StopList`). */
  stopped: StoppedFile[];
  /** Batches ingest has not taken yet, one per file at most (failing-batches.ts: `FailingBatches`); this run's only. */
  failing: FailingBatch[];
}

export function emptyState(): AgentState {
  return {
    version: STATE_VERSION,
    updatedAt: new Date().toISOString(),
    agent: null,
    files: [],
    retired: [],
    scannedAt: null,
    totals: {
      linesShipped: 0,
      bytesShipped: 0,
      batchesShipped: 0,
      linesCut: 0,
      linesRejected: 0,
      bytesLost: 0,
    },
    lastError: null,
    stopped: [],
    failing: [],
  };
}

export interface StoppedFile {
  path: string;
  /** What is wrong and what to do about it. */
  reason: string;
  since: string;
  /** The file's own state entry, so its offsets survive; back in `files` at the next start. */
  entry: FileEntry | null;
  /**
   * A state entry that is not valid, exactly as it was in the state file. While it is here the file
   * stays stopped, across restarts: fix its offsets and move it back to `files`, or delete it to read
   * the file from its start again (lines already shipped then arrive twice).
   */
  invalidEntry?: unknown;
}

export interface FailingBatch {
  fileId: string;
  path: string;
  batchId: string;
  /** The stuck range of the file, in bytes: [start, end). */
  start: number;
  end: number;
  /** Failed attempts so far. */
  attempts: number;
  /** When the first attempt failed. */
  since: string;
  lastError: string;
  /** When it is sent again. */
  retryAt: string;
}

/** What ingest acknowledged for one batch. */
export interface Shipped {
  start: number;
  end: number;
  lines: number;
  cutLines: number;
  /** Lines ingest stored under rejects/. */
  rejected: number;
  /** Checksum of the bytes just before `end`, taken when they were read. */
  checksum: string;
  /** ingest's reason for the first of them, when its answer gives one. */
  firstRejectReason?: string | undefined;
}

/** Commits an acknowledged batch: the offset advances, the pending range clears, counters add up. */
export function recordShipped(state: AgentState, entry: FileEntry, shipped: Shipped): void {
  const bytes = shipped.end - shipped.start;
  entry.committed = shipped.end;
  entry.checksum = shipped.checksum;
  entry.pending = null;
  entry.lastAckAt = new Date().toISOString();
  for (const counters of [entry, state.totals]) {
    counters.linesShipped += shipped.lines;
    counters.bytesShipped += bytes;
    counters.batchesShipped++;
    counters.linesCut += shipped.cutLines;
    counters.linesRejected += shipped.rejected;
  }
  if (shipped.firstRejectReason && !entry.firstRejectReason)
    entry.firstRejectReason = shipped.firstRejectReason;
  state.lastError = null;
}
