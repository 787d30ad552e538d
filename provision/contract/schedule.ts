/**
 * `--crawler-schedule`: `hourly` (default), `daily`, an interval (`15m`, `2h`) or a raw Glue
 * `cron(…)` expression. Glue runs a crawler at most every 5 minutes
 * (https://docs.aws.amazon.com/glue/latest/dg/monitor-data-warehouse-schedule.html), so anything more
 * frequent is refused here rather than by the API.
 */
import { ConfigError } from '../../lib/errors/index.ts';

export const DEFAULT_CRAWLER_SCHEDULE = 'cron(5 * * * ? *)';
const MIN_INTERVAL_MINUTES = 5;

/** The Glue cron expression for a schedule spec, or a ConfigError saying how to write one. */
/**
 * @param setting where the value came from, for errors (`--crawler-schedule`, `context crawlerSchedule`)
 */
export function parseCrawlerSchedule(spec: string, setting = '--crawler-schedule'): string {
  const s = spec.trim();
  // Five past the hour: the hour's objects have mostly landed, and Glue's top-of-hour rush is over.
  if (s === 'hourly') return DEFAULT_CRAWLER_SCHEDULE;
  if (s === 'daily') return 'cron(15 0 * * ? *)';
  const interval = /^(?:every\s+)?(\d+)\s*(m|min|h)$/.exec(s);
  if (interval) {
    const n = Number(interval[1]);
    const minutes = interval[2] === 'h' ? n * 60 : n;
    if (interval[2] !== 'h') {
      if (minutes < MIN_INTERVAL_MINUTES || minutes > 59 || 60 % minutes !== 0) {
        throw new ConfigError(
          `${setting} ${JSON.stringify(spec)}: an interval in minutes must divide the hour and be at least ${MIN_INTERVAL_MINUTES} (5m, 10m, 15m, 20m, 30m), Glue's minimum`,
        );
      }
      return `cron(0/${minutes} * * * ? *)`;
    }
    if (n < 1 || n > 23 || 24 % n !== 0) {
      throw new ConfigError(
        `${setting} ${JSON.stringify(spec)}: an interval in hours must divide the day (1h, 2h, 3h, 4h, 6h, 8h, 12h)`,
      );
    }
    return n === 1 ? DEFAULT_CRAWLER_SCHEDULE : `cron(5 0/${n} * * ? *)`;
  }
  const cron = /^cron\((.+)\)$/.exec(s);
  if (!cron) {
    throw new ConfigError(
      `${setting} ${JSON.stringify(spec)}: use hourly, daily, an interval such as 15m or 2h, or a Glue expression such as "cron(5 * * * ? *)"`,
    );
  }
  const fields = cron[1]!.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new ConfigError(
      `${setting} ${JSON.stringify(spec)}: a Glue cron has 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`,
    );
  }
  const gap = smallestMinuteGap(fields[0]!, fields[1]!, setting);
  if (gap < MIN_INTERVAL_MINUTES) {
    throw new ConfigError(
      `${setting} ${JSON.stringify(spec)}: runs ${gap <= 1 ? 'every minute' : `${gap} minutes apart`}; Glue allows at most one crawl every ${MIN_INTERVAL_MINUTES} minutes`,
    );
  }
  return `cron(${fields.join(' ')})`;
}

/** The shortest gap in minutes between two runs the minutes field allows, within an hour and across hours. */
function smallestMinuteGap(minutes: string, hours: string, setting: string): number {
  const set = new Set<number>();
  for (const part of minutes.split(',')) {
    const m = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
    if (!m) throw new ConfigError(`${setting}: cannot read the minutes field ${JSON.stringify(minutes)}`);
    const start = m[1] === '*' ? 0 : Number(m[1]);
    const end = m[2] !== undefined ? Number(m[2]) : m[1] === '*' || m[3] !== undefined ? 59 : start;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (start > 59 || end > 59 || step < 1) {
      throw new ConfigError(`${setting}: minutes ${JSON.stringify(part)} are out of range 0-59`);
    }
    for (let v = start; v <= end; v += step) set.add(v);
  }
  const sorted = [...set].sort((a, b) => a - b);
  // With several hours allowed, the last run of one hour and the first of the next may be close.
  const severalHours = /[*,/-]/.test(hours);
  let gap = severalHours ? 60 - sorted[sorted.length - 1]! + sorted[0]! : 1440;
  for (let i = 1; i < sorted.length; i++) gap = Math.min(gap, sorted[i]! - sorted[i - 1]!);
  return gap;
}
