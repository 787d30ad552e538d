/**
 * Calendar dates and their UTC instants in an IANA time zone, with nothing but `Intl`: the offset of a
 * zone at an instant, the local date of an instant, and the first instant of a local day. Daylight
 * saving is handled the way Temporal's `ZonedDateTime.startOfDay()` handles it: a day whose midnight is
 * skipped starts at the transition; a midnight that happens twice starts the day at the earlier one.
 */
import { ConfigError } from '../../lib/errors/index.ts';

/** A calendar date, `YYYY-MM-DD`, with no zone. */
export type PlainDate = string;

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

// Zone names end up inside SQL (`AT TIME ZONE '…'`), so they are held to the IANA alphabet as well.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/**
 * Checks an IANA zone name (`Europe/Berlin`, `UTC`) against the runtime's tz database and returns its
 * spelling (any UTC alias becomes `UTC`). Throws ConfigError for an unknown zone.
 */
export function resolveTimeZone(zone: string, setting = '--tz'): string {
  if (!ZONE_NAME.test(zone)) {
    throw new ConfigError(
      `${setting}: ${JSON.stringify(zone)} is not an IANA time zone name (e.g. Europe/Berlin, UTC)`,
    );
  }
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    // Fix the case (europe/berlin → Europe/Berlin: Athena's zone names are case-sensitive) but keep the
    // user's name otherwise: ICU canonicalizes to legacy names (Asia/Kolkata → Asia/Calcutta).
    if (resolved === 'UTC' || resolved.toLowerCase() === zone.toLowerCase()) return resolved;
    return zone;
  } catch (error) {
    throw new ConfigError(
      `${setting}: unknown time zone ${JSON.stringify(zone)}; use an IANA name such as Europe/Berlin or America/New_York`,
      { cause: error },
    );
  }
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's wall-clock time at `instant`, as milliseconds of a UTC date with the same fields. */
function wallClockMs(instant: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  // Intl drops the milliseconds; keep them so wallClockMs(t) - t is exactly the offset.
  return wall + (((instant % 1000) + 1000) % 1000);
}

/** The zone's UTC offset at `instant`, in milliseconds (Berlin in winter: +3_600_000). */
export function offsetAt(instant: number, zone: string): number {
  return wallClockMs(instant, zone) - instant;
}

/** The local calendar date of `instant` in `zone`. */
export function localDateOf(instant: number, zone: string): PlainDate {
  return new Date(wallClockMs(instant, zone)).toISOString().slice(0, 10);
}

/**
 * The first instant of local day `date` in `zone`, in UTC milliseconds.
 *
 * @example
 * zonedStartOfDay('2025-03-31', 'Europe/Berlin') // Date.parse('2025-03-30T22:00:00Z'), after the switch to CEST
 */
export function zonedStartOfDay(date: PlainDate, zone: string): number {
  const wall = plainDateMs(date);
  // The offsets a day earlier and a day later bracket any transition near this midnight.
  const before = offsetAt(wall - DAY_MS, zone);
  const after = offsetAt(wall + DAY_MS, zone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => wallClockMs(instant, zone) === wall)
    .sort((a, b) => a - b);
  if (candidates[0] !== undefined) return candidates[0];
  // Midnight was skipped (e.g. America/Sao_Paulo, 2018-11-04 00:00 → 01:00): the day starts at the
  // transition, the first instant whose wall clock is at or past midnight. Wall time only jumps forward
  // in a gap, so a binary search over the bracketing day finds it.
  let lo = wall - before - DAY_MS;
  let hi = wall - before;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallClockMs(mid, zone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** `YYYY-MM-DD` → milliseconds of that date at 00:00 UTC. Throws ConfigError for a date that does not exist. */
export function plainDateMs(date: PlainDate, setting = 'date'): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  // Date.UTC rolls 2023-02-29 over to March 1st; a round trip catches dates that do not exist.
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new ConfigError(
      `${setting}: ${JSON.stringify(date)} is not a calendar date in the form YYYY-MM-DD`,
    );
  }
  return ms;
}

/** `date` moved by `days` calendar days. */
export function addDays(date: PlainDate, days: number): PlainDate {
  return new Date(plainDateMs(date) + days * DAY_MS).toISOString().slice(0, 10);
}
