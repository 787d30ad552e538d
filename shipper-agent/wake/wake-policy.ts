/**
 * When the loop looks at the files, and whether it holds directory watches while it waits.
 *
 * inotify reports a log's growth write by write: at ~25k lines/s that is ~25k events a second, and
 * Node wakes for each one even when the callback does nothing (an empty `fs.watch` on nginx's log
 * folder alone cost a third of a core in `npm run bench:e2e`). So the agent has two modes:
 *
 * - **idle** (nothing grew lately): directory watches on, a look shortly after an event (throttled to
 *   `minLookMs`), the stat poll every `pollIntervalMs` behind them. A quiet log costs nothing and a new
 *   line is seen at once.
 * - **busy** (a look found a file grown, or the directory was noisy): watches off, a look every
 *   `busyTickMs` on a timer, each one also expanding the patterns, so a rotation (rename, a new file at
 *   the path) is noticed within a tick without inotify. After `idleAfterMs` without growth the watches
 *   go back on, followed by one more look, which catches a write made while no watch was set.
 *
 * Bytes found at a busy tick appeared after the previous look, so they are stamped with its time: the
 * batch age then counts from no later than the write, and polling adds no latency to a batch.
 *
 * Pure bookkeeping with the clock passed in, so it is tested without timers.
 */
import type { WakeKind } from './watcher.ts';

export interface WakePolicyOptions {
  /** The stat poll behind inotify (`--poll-interval`): a full look at least this often. */
  pollIntervalMs: number;
  /** Idle: the earliest look after the previous one, when events arrive. */
  minLookMs: number;
  /** Busy: the look interval. */
  busyTickMs: number;
  /** Busy: back to idle after this long without growth. */
  idleAfterMs: number;
  /**
   * Idle: this many directory events between two looks with no tracked file grown make the directory
   * noisy (another log in the folder, e.g. a busy error.log): busy too, so its events stop waking Node.
   */
  noisyEvents: number;
}

/** What to do with the directory watches after a look. */
export type WatchChange = 'watch' | 'unwatch' | undefined;

/** Busy-mode tick for a batch age: a fifth of it, within 100–250 ms (a 1 s batch age stays live). */
export function busyTickFor(batchAgeMs: number): number {
  return Math.min(250, Math.max(100, Math.round(batchAgeMs / 5)));
}

export class WakePolicy {
  private busy = false;
  private lastLookAt = Number.NEGATIVE_INFINITY;
  private lastBusyAt = Number.NEGATIVE_INFINITY;
  private nextPollAt = Number.NEGATIVE_INFINITY;
  private discoverWanted = false;
  private changeWanted = false;
  private events = 0;

  constructor(private readonly o: WakePolicyOptions) {}

  /** Busy: the directory watches are off and the files are looked at on a timer. */
  get isBusy(): boolean {
    return this.busy;
  }

  /**
   * A directory event. Returns true for the first one since the last look: the loop should then work
   * out its next wake-up again ({@link nextLookAt} moved); later ones change nothing.
   */
  event(kind: WakeKind): boolean {
    this.events++;
    const first = !this.discoverWanted && !this.changeWanted;
    if (kind === 'discover') this.discoverWanted = true;
    else this.changeWanted = true;
    return first;
  }

  /**
   * The look due at `now`, if any, and whether it also expands the patterns (`discover`): the poll,
   * every busy tick, and a rename/create event do. `stopping` looks every `minLookMs` (partial lines).
   */
  lookDue(now: number, stopping: boolean): { discover: boolean } | undefined {
    const pollDue = now >= this.nextPollAt;
    const tickDue = this.busy && now >= this.lastLookAt + this.o.busyTickMs;
    const eventDue =
      (this.discoverWanted || this.changeWanted || stopping) && now >= this.lastLookAt + this.o.minLookMs;
    if (!pollDue && !tickDue && !eventDue) return undefined;
    return { discover: pollDue || this.busy || this.discoverWanted };
  }

  /**
   * The time to stamp bytes found at a look at `now` with: busy, the previous look (they appeared after
   * it, so the batch age counts from no later than the write); idle, `now` (an event woke the look).
   */
  arrivedSince(now: number): number {
    return this.busy ? Math.min(now, this.lastLookAt) : now;
  }

  /** Records a look at `now` (`grew`: a tracked file was longer); says how the watches change. */
  looked(now: number, discovered: boolean, grew: boolean): WatchChange {
    const noisy = !this.busy && this.events >= this.o.noisyEvents;
    this.discoverWanted = false;
    this.changeWanted = false;
    this.events = 0;
    this.lastLookAt = now;
    if (discovered) this.nextPollAt = now + this.o.pollIntervalMs;
    if (grew || noisy) this.lastBusyAt = now;
    if (!this.busy && (grew || noisy)) {
      this.busy = true;
      return 'unwatch';
    }
    if (this.busy && now - this.lastBusyAt >= this.o.idleAfterMs) {
      this.busy = false;
      // A write between this look and the watch being set makes no event: look once more, soon.
      this.changeWanted = true;
      return 'watch';
    }
    return undefined;
  }

  /** The next time a look is due, without further events. */
  nextLookAt(): number {
    let at = this.nextPollAt;
    if (this.busy) at = Math.min(at, this.lastLookAt + this.o.busyTickMs);
    if (this.discoverWanted || this.changeWanted) at = Math.min(at, this.lastLookAt + this.o.minLookMs);
    return at;
  }
}
