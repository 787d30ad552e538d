/**
 * The loss the agent could have known, worked out from outside it (issue 13, "the agent's reported loss
 * is never below what it could have known"). A truncation takes the bytes nginx wrote between the copy
 * and the truncate; of those, the agent knew it lost the ones it had seen (a look took the size and the
 * content before it) beyond the end of the copy, beyond what it had read, and beyond the lines a refill
 * wrote again (they are read again from 0). So for each truncation:
 *
 *   knowable = max(0, sizeSeen − max(copyBytes, readPos, reread))
 *
 * with `copyBytes` and `reread` from the harness (it made or watched the copy, and wrote the refill), and
 * `sizeSeen` and `readPos` from the agent's debug log: the `position` lines it writes whenever the size it
 * saw or the offset it read to moves (shipper-agent/rotation/tracked-file.ts `positionFields`). Those are
 * what the agent observed when it observed it, not its later accounting, so a truncation it missed, a
 * size it forgot, or a count a crash lost all show as a reported loss below this sum.
 *
 * Only truncations one agent run saw through are counted: the run started before the copy and stayed up
 * `detectMs` after the truncate (time for its next look and state write). Anything unclear counts 0, so
 * the sum is a lower bound: events just after an earlier truncation of the same inode are left out of the
 * sizes (`guardMs`: a look's size taken before that truncation may be logged after it), while reads are
 * taken generously (a higher read offset only lowers the bound).
 */

/** One `position` line of the agent's log. Offsets in bytes; `at` in epoch ms. */
export interface Position {
  at: number;
  dev: number;
  ino: number;
  size: number;
  readPos: number;
}

/** One run of the agent: its own log file's positions, from its start to its kill (or the round's end). */
export interface AgentRun {
  startedAt: number;
  /** Undefined while it still runs at the end of the round. */
  endedAt: number | undefined;
  positions: Position[];
}

/** A copytruncate or refill the harness made or watched; times in epoch ms. */
export interface Truncation {
  /** Before the copy started. */
  start: number;
  /** After the truncate (and the refill's write) returned. */
  end: number;
  /** The truncated file's inode. */
  dev: number;
  ino: number;
  /** Bytes in the copy; undefined when no copy was made (nothing was truncated either). */
  copyBytes: number | undefined;
  /** Bytes of whole lines the refill wrote again at the file's start (0 for a plain copytruncate). */
  reread: number;
}

export interface KnowableLoss {
  /** The sum over truncations: the lowest loss the agent may report. */
  bytes: number;
  /** One line per truncation, for the round's report. */
  details: string[];
}

export interface BoundOptions {
  /** How long an agent run must stay up after a truncate for it to count. */
  detectMs: number;
  /** Sizes logged this soon after an earlier truncation of the same inode are not counted. */
  guardMs: number;
}

/** The `position` lines of an agent's JSON-lines log (lib/log): other lines and torn ones are skipped. */
export function parsePositions(log: string): Position[] {
  const out: Position[] = [];
  for (const line of log.split('\n')) {
    if (!line.includes('"position"')) continue;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // the last line of a run killed mid-write
    }
    if (o.message !== 'position') continue;
    const at = Date.parse(String(o.time));
    const { dev, ino, size, readPos } = o;
    if (Number.isNaN(at) || typeof dev !== 'number' || typeof ino !== 'number') continue;
    if (typeof size !== 'number' || typeof readPos !== 'number') continue;
    out.push({ at, dev, ino, size, readPos });
  }
  return out;
}

export function knowableLoss(
  truncations: readonly Truncation[],
  runs: readonly AgentRun[],
  options: BoundOptions,
): KnowableLoss {
  const details: string[] = [];
  let bytes = 0;
  const ordered = [...truncations].sort((a, b) => a.end - b.end);
  for (const [i, t] of ordered.entries()) {
    const label = `truncation of inode ${t.ino} at ${new Date(t.end).toISOString()}`;
    if (t.copyBytes === undefined) {
      details.push(`${label}: no copy made, nothing counted`);
      continue;
    }
    const run = runs.find(
      (r) => r.startedAt < t.start && (r.endedAt === undefined || r.endedAt > t.end + options.detectMs),
    );
    if (!run) {
      details.push(`${label}: no agent run was up from before the copy until ${options.detectMs} ms after`);
      continue;
    }
    const previous = ordered
      .slice(0, i)
      .filter((p) => p.dev === t.dev && p.ino === t.ino)
      .reduce((latest, p) => Math.max(latest, p.end), Number.NEGATIVE_INFINITY);
    const own = run.positions.filter((p) => p.dev === t.dev && p.ino === t.ino);
    const sizeSeen = max(
      own.filter((p) => p.at > previous + options.guardMs && p.at <= t.end).map((p) => p.size),
    );
    const readPos = max(
      own.filter((p) => p.at > previous && p.at <= t.end + options.guardMs).map((p) => p.readPos),
    );
    const knowable = Math.max(0, sizeSeen - Math.max(t.copyBytes, readPos, t.reread));
    details.push(
      `${label}: seen ${sizeSeen}, read ${readPos}, copy ${t.copyBytes}, refilled ${t.reread}: ${knowable} B knowable`,
    );
    bytes += knowable;
  }
  return { bytes, details };
}

function max(values: number[]): number {
  return values.reduce((m, v) => Math.max(m, v), 0);
}
