import { describe, expect, it } from 'vitest';
import { COMPACT_SETTINGS } from '../../cli/options/compact.ts';
import { formatDurationMs, isDuration, parseDurationMs } from '../../lib/duration/index.ts';
import { parseTimeRange } from '../../query/time-range.ts';

describe('parseDurationMs', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['10', 10_000],
    ['2m', 120_000],
    ['2min', 120_000],
    ['1.5h', 5_400_000],
    ['7d', 604_800_000],
    [' 6 H ', 21_600_000],
  ])('reads %j as %d ms, the union of the units every setting took', (text, ms) => {
    expect(parseDurationMs(text, '--x')).toBe(ms);
  });

  it.each(['', 'soon', '5w', '-1s', '1e3s'])('refuses %j, naming the setting', (text) => {
    expect(() => parseDurationMs(text, 'ACCESSLAKE_X')).toThrow(/^ACCESSLAKE_X: .* is not a duration/);
    expect(isDuration(text)).toBe(false);
  });
});

describe('the settings that take durations share the grammar', () => {
  const now = new Date('2025-01-10T12:00:00Z');

  it('query --from takes any duration before --to, days and fractions included', () => {
    expect(parseTimeRange('90s', undefined, now).from.toISOString()).toBe('2025-01-10T11:58:30.000Z');
    expect(parseTimeRange('1.5h', undefined, now).from.toISOString()).toBe('2025-01-10T10:30:00.000Z');
    expect(parseTimeRange('2d', undefined, now).from.toISOString()).toBe('2025-01-08T12:00:00.000Z');
  });

  it('compact --recheck takes whole hours in any unit, or all', () => {
    const parse = COMPACT_SETTINGS.recheck.parse;
    expect(parse('7d', '--recheck')).toBe(168);
    expect(parse('120m', '--recheck')).toBe(2);
    expect(parse('all', '--recheck')).toBe('all');
    expect(() => parse('90m', '--recheck')).toThrow(/whole number of hours/);
    expect(() => parse('0h', '--recheck')).toThrow(/whole number of hours/);
  });
});

describe('formatDurationMs', () => {
  it('writes the largest whole unit, which parseDurationMs reads back to the same milliseconds', () => {
    const cases: [number, string][] = [
      [0, '0ms'],
      [250, '250ms'],
      [1500, '1500ms'],
      [90_000, '90s'],
      [600_000, '10m'],
      [3_600_000, '1h'],
      [604_800_000, '7d'],
    ];
    for (const [ms, text] of cases) {
      expect(formatDurationMs(ms)).toBe(text);
      expect(parseDurationMs(text, 'x')).toBe(ms);
    }
  });
});
