/**
 * Whole numbers in flags and env vars. Sizes are lib/bytes and durations lib/duration; they are
 * re-exported here so the modules that read settings keep one import while they move.
 */
import { ConfigError } from '../errors/index.ts';

export { parseBytes } from '../bytes/index.ts';
export { parseDurationMs } from '../duration/index.ts';

/** A whole number within bounds. Throws ConfigError naming the setting. */
export function parseInteger(value: string, setting: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`${setting}: ${JSON.stringify(value)} is not a whole number from ${min} to ${max}`);
  }
  return Number(value);
}
