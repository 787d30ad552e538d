import { describe, expect, it } from 'vitest';
import { missingFromBoth, missingOutsideSpans } from './request-ids.ts';

/** Logged keys as readLoggedLines makes them: `<ISO ts>\t<path>\t<status>\t<bytes>`. */
function logged(thread: number, numbers: number[], msOf: (n: number) => number): Map<string, number> {
  return new Map(
    numbers.map((n) => [`${new Date(msOf(n)).toISOString()}\t/s?r=${thread}-${n}\t200\t10`, 1] as const),
  );
}

describe('requests lost outside a truncation', () => {
  const at = (n: number) => 1_700_000_000_000 + n * 10;
  const numbers = Array.from({ length: 20 }, (_, i) => i + 1).filter((n) => n !== 10 && n !== 11);
  const keys = logged(1, numbers, at);

  it('are none when a copytruncate span covers the gap the lost requests leave', () => {
    expect(missingFromBoth(keys, new Set(), 2)).toBe(2);
    expect(missingOutsideSpans(keys, new Set(), 2, [{ start: at(10), end: at(11) }], 0)).toEqual([]);
  });

  it('are listed, with the times that bracket them, when no span does', () => {
    const far = [{ start: at(30), end: at(31) }];
    expect(missingOutsideSpans(keys, new Set(), 2, far, 50)).toEqual([
      `1-10 [${at(9)}, ${at(12)}]`,
      `1-11 [${at(9)}, ${at(12)}]`,
    ]);
  });

  it('do not include requests the lake holds (window lines the agent read before the truncate)', () => {
    expect(missingOutsideSpans(keys, new Set(['/s?r=1-10', '/s?r=1-11']), 2, [], 0)).toEqual([]);
  });
});
