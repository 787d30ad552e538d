/**
 * A round's fault schedule, drawn from a seed: the same seed gives the same schedule, so a failing round
 * is replayed with `npm run test:chaos -- --seed S --rounds 1`. Times are offsets from the start of the
 * round's load, in ms.
 */

import { createRandom } from '../../gen/random.ts';

export type FaultKind =
  /** logrotate: rename access.log → access.log.1, then USR1 to nginx (it reopens a new file). */
  | 'rename'
  /** logrotate `create`: rename, create an empty access.log at once, then USR1. */
  | 'create'
  /** logrotate `copytruncate`: copy to access.log.1, truncate in place; nginx never reopens. */
  | 'copytruncate'
  /**
   * copytruncate made by the harness with `pauseMs` between the copy and the truncate (a large log's copy
   * takes that long): nginx writes into the window, and the agent may see what it cannot read.
   */
  | 'slow-copytruncate'
  /** copytruncate, then the file refilled at once with its own first lines (the same first 512 bytes). */
  | 'refill'
  /** kill -9 of the agent, restarted after `downMs`; with `againWithinMs`, killed again that soon after. */
  | 'kill-agent'
  /** kill -9 of the ingest, restarted after `downMs`. */
  | 'kill-ingest'
  /** The ingest stopped (SIGTERM) for `downMs`: an outage of random length. */
  | 'outage';

export interface Fault {
  atMs: number;
  kind: FaultKind;
  downMs?: number;
  againWithinMs?: number;
  /** slow-copytruncate: ms between the copy and the truncate. */
  pauseMs?: number;
}

export interface Schedule {
  seed: number;
  loadSeconds: number;
  faults: Fault[];
}

const ROTATIONS: FaultKind[] = ['rename', 'create', 'copytruncate', 'slow-copytruncate', 'refill'];
const ALL: FaultKind[] = [...ROTATIONS, 'kill-agent', 'kill-agent', 'kill-ingest', 'outage'];

/** Draws a round: 5–9 faults over the load, at least one rotation and one kill of the agent. */
export function drawSchedule(seed: number, loadSeconds: number): Schedule {
  // gen/random.ts's mulberry32: the same seed draws the same schedule as before.
  const { next: random } = createRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const between = (lo: number, hi: number) => Math.round(lo + random() * (hi - lo));
  const loadMs = loadSeconds * 1000;
  const kinds: FaultKind[] = [pick(ROTATIONS), 'kill-agent'];
  const count = between(5, 9);
  while (kinds.length < count) kinds.push(pick(ALL));
  const faults = kinds.map((kind): Fault => {
    const fault: Fault = { atMs: between(loadMs * 0.05, loadMs * 0.9), kind };
    if (kind === 'kill-agent') {
      fault.downMs = between(0, 1500);
      // Now and then killed again right after its restart: within 200 ms of its start.
      if (random() < 0.4) fault.againWithinMs = between(0, 200);
    }
    if (kind === 'kill-ingest') fault.downMs = between(100, 1500);
    if (kind === 'outage') fault.downMs = between(500, 5000);
    if (kind === 'slow-copytruncate') fault.pauseMs = between(200, 1500);
    return fault;
  });
  faults.sort((a, b) => a.atMs - b.atMs);
  return { seed, loadSeconds, faults };
}

export function describeFault(f: Fault): string {
  const extra = [
    f.downMs !== undefined ? `down ${f.downMs} ms` : '',
    f.againWithinMs !== undefined ? `killed again ${f.againWithinMs} ms after its restart` : '',
    f.pauseMs !== undefined ? `${f.pauseMs} ms from copy to truncate` : '',
  ].filter(Boolean);
  return `+${(f.atMs / 1000).toFixed(2)}s ${f.kind}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}
