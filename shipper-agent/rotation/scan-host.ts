/**
 * What a scan (scan.ts) reads and changes of the tracker that runs it: the tracked files, the entries
 * not placed yet, the retired entries, the stops and the problems. `FileTracker` (tracker.ts) is the one
 * host; naming its shape here keeps scan.ts from importing tracker.ts, which imports scan.ts.
 */
import type { FileHandle } from 'node:fs/promises';
import type { Logger } from '../../lib/log/index.ts';
import type { FileAccessError } from '../errors.ts';
import type { PathPattern } from '../finding/discovery.ts';
import type { AgentState, FileEntry } from '../state/schema.ts';
import type { StopList } from '../state/stopped.ts';
import type { ProblemReporter } from './problems.ts';
import type { Phase, TransitionName } from './rotation.ts';
import type { Anchor, TrackedFile } from './tracked-file.ts';

export interface ScanHost {
  /** The tracker's options (tracker.ts `TrackerOptions`), the parts a scan uses. */
  readonly options: {
    readonly patterns: PathPattern[];
    readonly logger: Logger;
    readonly readFrom: 'beginning' | 'end';
  };
  readonly state: AgentState;
  readonly files: TrackedFile[];
  unattached: FileEntry[];
  readonly retired: FileEntry[];
  readonly retiredMisses: Map<FileEntry, number>;
  readonly skipped: Map<string, string>;
  readonly problems: ProblemReporter;
  readonly stops: StopList;
  firstScan: boolean;
  readonly firstStart: boolean;
  lastScanAt: number | undefined;
  unusable(path: string, error: FileAccessError): void;
  lose(entry: FileEntry, bytes: number, why: string): void;
  trackedInode(stats: { dev: number; ino: number }): TrackedFile | undefined;
  trackedKeys(): Set<string>;
  allIntact(): Promise<boolean>;
  transition(name: TransitionName, message: string, fields: Record<string, unknown>): void;
  track(
    entry: FileEntry,
    handle: FileHandle | null,
    size: number,
    seenAt: number,
    phase: Phase,
    anchor: Anchor,
  ): TrackedFile;
  anchorOf(entry: FileEntry, handle: FileHandle): Promise<Anchor>;
  retire(entry: FileEntry): void;
}
