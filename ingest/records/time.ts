/**
 * nginx time variables → epoch milliseconds. Each returns `undefined` for text it does not recognise, so
 * the caller can name the field in its rejection.
 */

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
// $msec: "1736519462.123"
const EPOCH_SECONDS = /^\d{9,11}(?:\.\d{1,6})?$/;

/**
 * Consecutive log lines almost always share their timestamp text: remembering the last conversion skips
 * the regex and calendar checks for most lines (the ingest hot path).
 */
function rememberLast(parse: (text: string) => number | undefined): (text: string) => number | undefined {
  let lastText: string | undefined;
  let lastValue: number | undefined;
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

function parseTimeLocalUncached(text: string): number | undefined {
  const m = TIME_LOCAL.exec(text);
  if (!m) return undefined;
  const month = MONTHS[m[2]!];
  if (month === undefined) return undefined;
  const offsetMinutes = (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
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

function parseIso8601Uncached(text: string): number | undefined {
  const m = ISO_8601.exec(text);
  if (!m) return undefined;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const digits = zone.replace(':', '');
    offsetMinutes =
      (digits[0] === '-' ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
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

export function parseEpochSeconds(value: string | number): number | undefined {
  return parseEpochText(typeof value === 'number' ? String(value) : value);
}

const parseEpochText = rememberLast((text) =>
  EPOCH_SECONDS.test(text) ? Math.round(Number(text) * 1000) : undefined,
);

function fractionMs(digits: string | undefined): number {
  return digits ? Math.floor(Number(`0.${digits}`) * 1000) : 0;
}

// Builds the instant and rejects impossible calendar values (Date.UTC would roll 31 Feb into March).
function utc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  offsetMinutes: number,
): number | undefined {
  if (month < 0 || month > 11 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const local = Date.UTC(year, month, day, hour, minute, Math.min(second, 59), ms);
  const check = new Date(local);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month) return undefined;
  return local - offsetMinutes * 60_000;
}
