import { describe, expect, it } from 'vitest';
import { parseCrawlerSchedule } from '../../provision/contract/index.ts';

describe('--crawler-schedule', () => {
  it('turns names and intervals into Glue cron expressions', () => {
    expect(parseCrawlerSchedule('hourly')).toBe('cron(5 * * * ? *)');
    expect(parseCrawlerSchedule('daily')).toBe('cron(15 0 * * ? *)');
    expect(parseCrawlerSchedule('15m')).toBe('cron(0/15 * * * ? *)');
    expect(parseCrawlerSchedule('every 5m')).toBe('cron(0/5 * * * ? *)');
    expect(parseCrawlerSchedule('6h')).toBe('cron(5 0/6 * * ? *)');
    expect(parseCrawlerSchedule('cron(10,40 * * * ? *)')).toBe('cron(10,40 * * * ? *)');
    expect(parseCrawlerSchedule('cron(58,2 3 * * ? *)')).toBe('cron(58,2 3 * * ? *)'); // once a day, two runs 56 min apart
  });

  it('refuses anything more often than every 5 minutes, as Glue would', () => {
    expect(() => parseCrawlerSchedule('2m')).toThrow(/at least 5/);
    expect(() => parseCrawlerSchedule('cron(* * * * ? *)')).toThrow(
      /runs every minute; Glue allows at most one crawl every 5 minutes/,
    );
    expect(() => parseCrawlerSchedule('cron(0/3 * * * ? *)')).toThrow(/3 minutes apart/);
    expect(() => parseCrawlerSchedule('cron(0,4 * * * ? *)')).toThrow(/4 minutes apart/);
    expect(() => parseCrawlerSchedule('cron(58 * * * ? *)')).not.toThrow();
    expect(() => parseCrawlerSchedule('cron(0,57 * * * ? *)')).toThrow(/3 minutes apart/); // 57 → next hour's 0
  });

  it('says how to write a schedule it cannot read', () => {
    expect(() => parseCrawlerSchedule('every tuesday')).toThrow(
      /use hourly, daily, an interval such as 15m or 2h/,
    );
    expect(() => parseCrawlerSchedule('cron(0 * * *)')).toThrow(/a Glue cron has 6 fields/);
    expect(() => parseCrawlerSchedule('7m')).toThrow(/must divide the hour/);
  });
});
