/**
 * How the loop sleeps: until a deadline, or until something (a directory event, an answered batch, a
 * stop) wakes it. Directory events are throttled: nginx may write 25k lines a second, and each write is
 * an inotify event, but looking at the files more often than every `minIntervalMs` buys nothing.
 */
export class Wakeup {
  private waiter: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** When the loop last looked at the files. */
  lastLookAt = 0;

  constructor(private readonly minIntervalMs: number) {}

  /** Sleeps until `at` (ms since epoch) or the next {@link notify}. */
  sleepUntil(at: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, at - Date.now()));
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiter = done;
    });
  }

  /** Wakes the loop now. */
  notify(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  /** Wakes the loop soon: now, or `minIntervalMs` after it last looked. */
  soon(): void {
    if (this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.notify();
      },
      Math.max(0, this.lastLookAt + this.minIntervalMs - Date.now()),
    );
  }

  /** The earliest the loop should look again after an event. */
  nextLookAt(): number {
    return this.lastLookAt + this.minIntervalMs;
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
