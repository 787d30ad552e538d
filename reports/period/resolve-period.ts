/**
 * Report periods: the previous full week (Monday–Sunday), month or calendar quarter before "now", or a
 * custom inclusive date range, in UTC or an IANA zone, turned into the half-open UTC range
 * `[fromTs, toTs)` and the partition hours the queries scan.
 */
import { ConfigError } from '../../lib/errors/index.ts';
import {
  addDays,
  localDateOf,
  type PlainDate,
  plainDateMs,
  resolveTimeZone,
  zonedStartOfDay,
} from './zoned-time.ts';

export const PERIOD_KINDS = ['weekly', 'monthly', 'quarterly'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number] | 'custom';

export interface ReportPeriod {
  kind: PeriodKind;
  /** Names the period in keys and subjects: `2025-W02`, `2025-01`, `2025-Q1`, `2025-01-03_2025-01-17`. */
  label: string;
  /** First local date, inclusive. */
  start: PlainDate;
  /** Last local date, inclusive. */
  end: PlainDate;
  /** The IANA zone the dates are in (`UTC` by default). */
  timeZone: string;
  /** First instant, ISO-8601 UTC with milliseconds, inclusive. */
  fromTs: string;
  /** The instant after the last one, exclusive. */
  toTs: string;
  /** `YYYYMMDDHH` of the first and the last UTC hour partitions the period touches. */
  fromHour: string;
  toHour: string;
}

export interface PeriodRequest {
  period?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** IANA zone; default UTC. */
  timeZone?: string | undefined;
  /** The moment the previous full period is counted back from. Default: the current time. */
  now?: Date | undefined;
}

/**
 * Resolves `--period` or `--from/--to` into a {@link ReportPeriod}. Throws ConfigError naming the flag
 * for a missing, mixed or malformed choice.
 *
 * @example
 * resolvePeriod({ period: 'weekly', now: new Date('2025-01-15T09:00:00Z') }).label // '2025-W02'
 */
export function resolvePeriod(request: PeriodRequest): ReportPeriod {
  const timeZone = resolveTimeZone(request.timeZone ?? 'UTC');
  const custom = request.from !== undefined || request.to !== undefined;
  if (request.period !== undefined && custom) {
    throw new ConfigError('--period cannot be combined with --from/--to: give one or the other');
  }
  if (custom) {
    if (request.from === undefined || request.to === undefined) {
      throw new ConfigError('--from and --to go together: give both dates (YYYY-MM-DD, inclusive)');
    }
    plainDateMs(request.from, '--from');
    plainDateMs(request.to, '--to');
    if (request.from > request.to) {
      throw new ConfigError(
        `--from ${request.from} is after --to ${request.to}: the range is inclusive, from ≤ to`,
      );
    }
    return build('custom', `${request.from}_${request.to}`, request.from, request.to, timeZone);
  }
  if (request.period === undefined) {
    throw new ConfigError(
      'choose a period: --period weekly|monthly|quarterly, or --from YYYY-MM-DD --to YYYY-MM-DD',
    );
  }
  const now = request.now ?? new Date();
  if (Number.isNaN(now.getTime())) throw new ConfigError('the reference time is not a valid date');
  const today = localDateOf(now.getTime(), timeZone);
  const [year, month] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];

  switch (request.period) {
    case 'weekly': {
      // getUTCDay on the plain date: 0 = Sunday … 6 = Saturday; ISO weeks start on Monday.
      const weekday = (new Date(plainDateMs(today)).getUTCDay() + 6) % 7;
      const start = addDays(today, -weekday - 7);
      return build('weekly', isoWeekLabel(start), start, addDays(start, 6), timeZone);
    }
    case 'monthly': {
      const first = ymd(month === 1 ? year - 1 : year, month === 1 ? 12 : month - 1, 1);
      return build('monthly', first.slice(0, 7), first, addDays(ymd(year, month, 1), -1), timeZone);
    }
    case 'quarterly': {
      const thisQuarter = Math.floor((month - 1) / 3); // 0–3
      const q = thisQuarter === 0 ? 3 : thisQuarter - 1;
      const y = thisQuarter === 0 ? year - 1 : year;
      const first = ymd(y, q * 3 + 1, 1);
      const nextFirst = ymd(q === 3 ? y + 1 : y, q === 3 ? 1 : q * 3 + 4, 1);
      return build('quarterly', `${y}-Q${q + 1}`, first, addDays(nextFirst, -1), timeZone);
    }
    default:
      throw new ConfigError(
        `--period ${JSON.stringify(request.period)}: use weekly, monthly or quarterly (or --from/--to for a custom range)`,
      );
  }
}

function build(
  kind: PeriodKind,
  label: string,
  start: PlainDate,
  end: PlainDate,
  timeZone: string,
): ReportPeriod {
  const from = zonedStartOfDay(start, timeZone);
  const to = zonedStartOfDay(addDays(end, 1), timeZone);
  return {
    kind,
    label,
    start,
    end,
    timeZone,
    fromTs: new Date(from).toISOString(),
    toTs: new Date(to).toISOString(),
    fromHour: hourKey(from),
    toHour: hourKey(to - 1),
  };
}

/** `YYYYMMDDHH` of the UTC hour holding `instant`: the partition predicate's form. */
function hourKey(instant: number): string {
  return new Date(instant).toISOString().slice(0, 13).replace(/[-T]/g, '');
}

function ymd(year: number, month: number, day: number): PlainDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * ISO 8601 week label of the week starting on Monday `monday`: `2025-W01` for 2024-12-30. The week
 * belongs to the year of its Thursday.
 */
export function isoWeekLabel(monday: PlainDate): string {
  const thursday = addDays(monday, 3);
  const year = Number(thursday.slice(0, 4));
  const week =
    Math.floor((plainDateMs(thursday) - plainDateMs(`${thursday.slice(0, 4)}-01-01`)) / 86_400_000 / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}
