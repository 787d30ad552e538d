/**
 * The exactness check: the multiset of lake records against the multiset of logged lines.
 * - missing: a logged line with fewer records than lines;
 * - duplicates: a logged line with more records than lines;
 * - extras: records whose key no file holds. With unique request paths, the only legitimate source is
 *   copytruncate's window (lines the agent read before the truncate that the copy never got).
 */
import { recordKey } from './log-lines.ts';

export interface Comparison {
  logged: number;
  stored: number;
  matched: number;
  missing: number;
  duplicates: number;
  /** Records whose key is in no log file, by key → count. */
  extras: Map<string, number>;
  extraRecords: number;
  /** A few examples of each problem, for the failure message. */
  examples: { missing: string[]; duplicates: string[]; extras: string[] };
}

export async function compareMultisets(
  logged: Map<string, number>,
  records: AsyncIterable<Record<string, unknown>>,
): Promise<Comparison> {
  // Consumes a copy: remaining count per key; an entry at 0 means "in the logs, fully matched".
  const remaining = new Map(logged);
  const extras = new Map<string, number>();
  const duplicateKeys: string[] = [];
  let stored = 0;
  let matched = 0;
  let duplicates = 0;
  for await (const record of records) {
    stored++;
    const key = recordKey(record);
    const left = remaining.get(key);
    if (left === undefined) extras.set(key, (extras.get(key) ?? 0) + 1);
    else if (left > 0) {
      remaining.set(key, left - 1);
      matched++;
    } else {
      duplicates++;
      if (duplicateKeys.length < 5) duplicateKeys.push(key);
    }
  }
  let missing = 0;
  const missingKeys: string[] = [];
  for (const [key, left] of remaining) {
    if (left === 0) continue;
    missing += left;
    if (missingKeys.length < 5) missingKeys.push(key);
  }
  let loggedTotal = 0;
  for (const n of logged.values()) loggedTotal += n;
  let extraRecords = 0;
  for (const n of extras.values()) extraRecords += n;
  return {
    logged: loggedTotal,
    stored,
    matched,
    missing,
    duplicates,
    extras,
    extraRecords,
    examples: { missing: missingKeys, duplicates: duplicateKeys, extras: [...extras.keys()].slice(0, 5) },
  };
}
