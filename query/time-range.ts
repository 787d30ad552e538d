/**
 * `--from`/`--to` for the CLI: ISO-8601 instants, or a duration meaning "that long before --to"
 * (`--from 6h`), with `--to` defaulting to now and `--from` to one hour before it.
 */
import { isDuration, parseDurationMs } from '../lib/duration/index.ts';
import { ConfigError } from '../lib/errors/index.ts';
import type { TimeRange } from './named-queries.ts';

export const DEFAULT_RANGE_MS = 3_600_000;

export function parseTimeRange(
  from: string | undefined,
  to: string | undefined,
  now = new Date(),
): TimeRange {
  const end = to === undefined ? now : parseInstant(to, '--to');
  let start: Date;
  if (from === undefined) start = new Date(end.getTime() - DEFAULT_RANGE_MS);
  else {
    start = isDuration(from)
      ? new Date(end.getTime() - parseDurationMs(from, '--from'))
      : parseInstant(from, '--from');
  }
  if (start.getTime() >= end.getTime()) {
    throw new ConfigError(`--from (${start.toISOString()}) must be before --to (${end.toISOString()})`);
  }
  return { from: start, to: end };
}

function parseInstant(value: string, flag: string): Date {
  // Only full ISO-8601 dates or instants: Date.parse alone would accept "5" or local-time strings.
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
  const date = new Date(value);
  if (!iso.test(value.trim()) || Number.isNaN(date.getTime())) {
    throw new ConfigError(
      flag === '--from'
        ? `--from: ${JSON.stringify(value)} is not an ISO-8601 time (2025-01-10T14:00:00Z) or a duration before --to (30m, 6h, 7d)`
        : `${flag}: ${JSON.stringify(value)} is not an ISO-8601 time (2025-01-10T14:00:00Z)`,
    );
  }
  // A date-time without a zone is read as UTC, like every time in the lake.
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value.trim())) return new Date(`${value.trim()}Z`);
  return date;
}
