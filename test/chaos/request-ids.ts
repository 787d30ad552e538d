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
