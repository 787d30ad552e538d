/**
 * Durations in flags and environment variables, one grammar for every setting: a number (fractions
 * allowed) and a unit, `ms`, `s`, `m` or `min`, `h`, `d`; a bare number means seconds. It is the union
 * of the four sets accesslake had (timeouts `ms/s/m/min/h`, `query --from 7d`, `compact --recheck 48h`,
 * `report --link-expires 7d`).
 */
import { ConfigError } from '../errors/index.ts';

/** Milliseconds per unit; `''` (no unit) is seconds. */
export const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ms: 1,
  '': 1000,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * `30s` → 30000, `1.5h` → 5400000, `7d` → 604800000, `10` → 10000 (milliseconds, rounded).
 * @param setting the flag or variable the value came from, for the error
 * @throws {ConfigError} naming `setting` when the text is not a duration
 */
export function parseDurationMs(value: string, setting: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? DURATION_UNITS_MS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined)
    throw new ConfigError(
      `${setting}: ${JSON.stringify(value)} is not a duration (e.g. 500ms, 30s, 2m, 6h, 7d)`,
    );
  return Math.round(Number(m[1]) * unit);
}

/**
 * Milliseconds as the largest whole unit the grammar above reads back: 3600000 → `1h`, 90000 → `90s`,
 * 250 → `250ms`. For messages that quote a bound to someone who typed a duration.
 */
export function formatDurationMs(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** True when `value` reads as a duration (for settings that also take other forms: `--from ISO|6h`). */
export function isDuration(value: string): boolean {
  try {
    parseDurationMs(value, '');
    return true;
  } catch {
    return false;
  }
}
