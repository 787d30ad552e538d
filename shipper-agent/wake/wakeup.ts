/**
 * How the loop sleeps: until a deadline, or until something (a directory event that moves the next
 * look, an answered batch, a stop) wakes it to work out its next deadline. When to look at the files is
 * wake-policy.ts; this is only the sleeping.
 */
export class Wakeup {
  private waiter: (() => void) | undefined;

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

  /** Wakes a sleeping loop so that it can finish. */
  close(): void {
    this.notify();
  }
}
