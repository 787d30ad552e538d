/**
 * nginx time variables → epoch milliseconds. Each returns `undefined` for text it does not recognise and
 * a reason (a string) for a time it recognises but the lake cannot hold, so the caller can name the field
 * in its rejection.
 *
 * The lake holds instants from 1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z (UTC, after the
 * offset is applied): the partition keys are four-digit years (`year=1970` … `year=9999`) and nothing
 * before the epoch is a web request. UTC offsets are at most ±14:00, the widest zone in use (IANA tz
 * database, Pacific/Kiritimati); nginx writes them as `±HHMM` (`$time_local`) or `±HH:MM`
 * (`$time_iso8601`).
 */

/** A time the parsers recognise: epoch ms, or why the lake cannot hold it. */
export type ParsedTime = number | string;

/** 1970-01-01T00:00:00.000Z */
export const EARLIEST_LAKE_MS = 0;
/** 9999-12-31T23:59:59.999Z */
export const LATEST_LAKE_MS = 253_402_300_799_999;
/** ±14:00 in minutes. */
export const MAX_OFFSET_MINUTES = 14 * 60;

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

// $time_local: "10/Jan/2025:14:31:02 +0000"
const TIME_LOCAL =
  /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? ([+-])(\d{2})(\d{2})$/;
// $time_iso8601: "2025-01-10T14:31:02+00:00", also with fractions or "Z" as other tools write it.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;
// $msec: "1736519462.123" (nginx writes `%T.%03M`); any count of integer digits, so 0.000 (1970) and
// 253402300799.999 (9999) are read and the range is checked on the value, not on the digits.
const EPOCH_SECONDS = /^(\d+)(?:\.(\d{1,6}))?$/;
/** Seconds past this many integer digits are past year 9999 whatever they say. */
const MAX_EPOCH_DIGITS = 12;

/**
 * Consecutive log lines almost always share their timestamp text: remembering the last conversion skips
 * the regex and calendar checks for most lines (the ingest hot path).
 */
function rememberLast(
  parse: (text: string) => ParsedTime | undefined,
): (text: string) => ParsedTime | undefined {
  let lastText: string | undefined;
  let lastValue: ParsedTime | undefined;
  return (text) => {
    if (text !== lastText) {
      lastValue = parse(text);
      lastText = text;
    }
    return lastValue;
  };
}

export const parseTimeLocal = rememberLast(parseTimeLocalUncached);
export const parseIso8601 = rememberLast(parseIso8601Uncached);

let isoSecond = Number.NaN;
let isoSecondPrefix = '';
let lastMs = Number.NaN;
let lastIso = '';

/**
 * Epoch ms → `2025-01-10T14:31:02.123Z`, the canonical `ts`. Returns the previous string itself when the
 * millisecond is the same (one string shared, not one built per line), and reuses the
 * `YYYY-MM-DDTHH:MM:SS` text of the previous call when the second is, as it is for most neighbouring lines.
 */
export function toIsoUtc(ms: number): string {
  if (ms === lastMs) return lastIso;
  lastMs = ms;
  lastIso = isoText(ms);
  return lastIso;
}

function isoText(ms: number): string {
  const second = Math.floor(ms / 1000);
  const millis = ms - second * 1000;
  if (second !== isoSecond) {
    isoSecond = second;
    isoSecondPrefix = new Date(second * 1000).toISOString().slice(0, 19);
  }
  return `${isoSecondPrefix}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

function parseTimeLocalUncached(text: string): ParsedTime | undefined {
  const m = TIME_LOCAL.exec(text);
  if (!m) return undefined;
  const month = MONTHS[m[2]!];
  if (month === undefined) return undefined;
  const offsetMinutes = offset(m[8]!, m[9]!, m[10]!);
  if (typeof offsetMinutes === 'string') return offsetMinutes;
  return utc(
    Number(m[3]),
    month,
    Number(m[1]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    fractionMs(m[7]),
    offsetMinutes,
  );
}

function parseIso8601Uncached(text: string): ParsedTime | undefined {
  const m = ISO_8601.exec(text);
  if (!m) return undefined;
  let offsetMinutes: ParsedTime = 0;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const digits = zone.replace(':', '');
    offsetMinutes = offset(digits[0]!, digits.slice(1, 3), digits.slice(3, 5));
    if (typeof offsetMinutes === 'string') return offsetMinutes;
  }
  return utc(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    fractionMs(m[7]),
    offsetMinutes,
  );
}

export function parseEpochSeconds(value: string | number): ParsedTime | undefined {
  return parseEpochText(typeof value === 'number' ? String(value) : value);
}

const parseEpochText = rememberLast((text) => {
  const match = EPOCH_SECONDS.exec(text);
  if (match === null) return undefined;
  const whole = match[1]!.replace(/^0+(?=\d)/, '');
  if (whole.length > MAX_EPOCH_DIGITS)
    return `${text} seconds is after 9999-12-31T23:59:59.999Z, the latest time the lake holds`;
  // Whole seconds and the fraction apart: `253402300799.999 * 1000` is not exact in binary floating point.
  const fraction = match[2] === undefined ? 0 : Math.round(Number(`0.${match[2]}`) * 1000);
  return inLakeRange(Number(whole) * 1000 + fraction);
});

/** `+`/`-`, `HH`, `MM` → minutes east of UTC, or why the offset is not one nginx can write. */
function offset(sign: string, hours: string, minutes: string): ParsedTime {
  const total = Number(hours) * 60 + Number(minutes);
  if (Number(minutes) > 59 || total > MAX_OFFSET_MINUTES) {
    return `UTC offset ${sign}${hours}:${minutes} is outside ±14:00`;
  }
  return sign === '-' ? -total : total;
}

/** `ms` itself when the lake can hold it, else why not. */
function inLakeRange(ms: number): ParsedTime {
  if (ms < EARLIEST_LAKE_MS)
    return `${new Date(ms).toISOString()} is before 1970-01-01T00:00:00.000Z, the earliest time the lake holds`;
  if (ms > LATEST_LAKE_MS)
    return `${new Date(ms).toISOString()} is after 9999-12-31T23:59:59.999Z, the latest time the lake holds`;
  return ms;
}

function fractionMs(digits: string | undefined): number {
  return digits ? Math.floor(Number(`0.${digits}`) * 1000) : 0;
}

/**
 * Builds the instant and rejects impossible calendar values (Date.UTC would roll 31 Feb into March) and
 * instants outside the lake's range. `setUTCFullYear` takes the year as written: `Date.UTC` maps years
 * 0–99 to 1900–1999 (ECMA-262 MakeFullYear), which stored `0070` under `year=1970`.
 */
function utc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  offsetMinutes: number,
): ParsedTime | undefined {
  if (month < 0 || month > 11 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const check = new Date(Date.UTC(2000, 0, 1, hour, minute, Math.min(second, 59), ms));
  check.setUTCFullYear(year, month, day);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month) return undefined;
  const instant = check.getTime() - offsetMinutes * 60_000;
  if (instant < EARLIEST_LAKE_MS || instant > LATEST_LAKE_MS) {
    // Name the year as written when it alone is out of range, the instant when the offset pushed it out.
    if (year < 1970 || year > 9999) return `year ${year} is outside 1970–9999`;
  }
  return inLakeRange(instant);
}
