/**
 * Every request wrk sent carries `?r=<thread>-<n>`, n counting up from 1 per thread, so the requests
 * that are neither in a log file nor in the lake can be listed: the gaps in each thread's numbers.
 */
const REQUEST_ID = /[?&]r=(\d+)-(\d+)/;

/** Thread → the request numbers seen. */
function collect(paths: Iterable<string>, into: Map<string, Set<number>>): void {
  for (const path of paths) {
    const m = REQUEST_ID.exec(path);
    if (!m) continue;
    const seen = into.get(m[1]!) ?? new Set<number>();
    into.set(m[1]!, seen);
    seen.add(Number(m[2]));
  }
}

/**
 * Requests in no log file and not in the lake: for each thread, the numbers from 1 to the highest seen
 * that appear nowhere. A thread's first and last `inFlight` numbers are not counted: wrk numbers a
 * request when it builds it, and around a thread's start (a request built before a connection is up)
 * and its stop (requests built for its other connections) some never reach nginx.
 */
export function missingFromBoth(
  loggedKeys: Map<string, number>,
  lakePaths: Set<string>,
  inFlight: number,
): number {
  const seen = new Map<string, Set<number>>();
  collect(
    [...loggedKeys.keys()].map((key) => key.split('\t')[1] ?? ''),
    seen,
  );
  collect(lakePaths, seen);
  let missing = 0;
  for (const numbers of seen.values()) {
    let max = 0;
    for (const n of numbers) max = Math.max(max, n);
    for (let n = inFlight + 1; n <= max - inFlight; n++) if (!numbers.has(n)) missing++;
  }
  return missing;
}

/** A time span in epoch milliseconds: a copytruncate's or refill's copy-to-truncate. */
export interface Span {
  start: number;
  end: number;
}

/**
 * The requests {@link missingFromBoth} counts whose absence no truncation explains: a request lost to
 * copytruncate was logged between the copy and the truncate, so the logged requests numbered just before
 * and just after it in its thread (their `$msec`) bracket a time that overlaps a truncation span
 * (`slackMs` either side, for requests in flight on other connections). Returns each one as
 * `thread-n [before, after]`.
 */
export function missingOutsideSpans(
  loggedKeys: Map<string, number>,
  lakePaths: Set<string>,
  inFlight: number,
  spans: readonly Span[],
  slackMs: number,
): string[] {
  const times = new Map<string, Map<number, number>>();
  for (const key of loggedKeys.keys()) {
    const [ts, path] = key.split('\t');
    const m = REQUEST_ID.exec(path ?? '');
    if (!m) continue;
    const thread = times.get(m[1]!) ?? new Map<number, number>();
    times.set(m[1]!, thread);
    thread.set(Number(m[2]), Date.parse(ts ?? ''));
  }
  const seen = new Map<string, Set<number>>();
  collect(
    [...loggedKeys.keys()].map((key) => key.split('\t')[1] ?? ''),
    seen,
  );
  collect(lakePaths, seen);
  const out: string[] = [];
  for (const [thread, numbers] of seen) {
    const logged = times.get(thread) ?? new Map<number, number>();
    let max = 0;
    for (const n of numbers) max = Math.max(max, n);
    for (let n = inFlight + 1; n <= max - inFlight; n++) {
      if (numbers.has(n)) continue;
      let before = Number.NEGATIVE_INFINITY;
      let after = Number.POSITIVE_INFINITY;
      for (let k = n - 1; k > 0 && before === Number.NEGATIVE_INFINITY; k--) before = logged.get(k) ?? before;
      for (let k = n + 1; k <= max && after === Number.POSITIVE_INFINITY; k++) after = logged.get(k) ?? after;
      const explained = spans.some((s) => s.start - slackMs <= after && before <= s.end + slackMs);
      if (!explained) out.push(`${thread}-${n} [${before}, ${after}]`);
    }
  }
  return out;
}
