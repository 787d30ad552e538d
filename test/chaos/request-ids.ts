/**
 * Every request wrk sent carries `?r=<thread>-<n>`, n counting up from 1 per thread, so the requests
 * that are neither in a log file nor in the lake can be listed: the gaps in each thread's numbers.
 */
import type { Comparison } from '../e2e/harness/compare.ts';

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
 * that appear nowhere. (Requests after a thread's last logged one were never answered by nginx before
 * wrk stopped; they are not counted.)
 */
export function missingFromBoth(
  loggedKeys: Map<string, number>,
  _comparison: Comparison,
  lakePaths: Set<string>,
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
    missing += max - numbers.size;
  }
  return missing;
}
