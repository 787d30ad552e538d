import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors/index.ts';
import { isoWeekLabel, resolvePeriod } from '../../reports/period/resolve-period.ts';
import { addDays, localDateOf, resolveTimeZone, zonedStartOfDay } from '../../reports/period/zoned-time.ts';

const at = (iso: string) => new Date(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('weekly: the previous full Monday–Sunday', () => {
  it.each([
    // [now, label, start, end]
    ['2025-01-15T09:00:00.000Z', '2025-W02', '2025-01-06', '2025-01-12'], // a Wednesday
    ['2025-01-13T00:00:00.000Z', '2025-W02', '2025-01-06', '2025-01-12'], // Monday, first instant
    ['2025-01-12T23:59:59.999Z', '2025-W01', '2024-12-30', '2025-01-05'], // Sunday, last instant
    ['2025-01-08T10:00:00.000Z', '2025-W01', '2024-12-30', '2025-01-05'], // week 1 starts in 2024
    ['2021-01-06T10:00:00.000Z', '2020-W53', '2020-12-28', '2021-01-03'], // a 53-week year
    ['2024-03-06T10:00:00.000Z', '2024-W09', '2024-02-26', '2024-03-03'], // across Feb 29
  ])('at %s → %s (%s … %s)', (now, label, start, end) => {
    const period = resolvePeriod({ period: 'weekly', now: at(now) });
    expect(period).toMatchObject({ kind: 'weekly', label, start, end, timeZone: 'UTC' });
    expect(period.fromTs).toBe(`${start}T00:00:00.000Z`);
    expect(period.toTs).toBe(`${addDays(end, 1)}T00:00:00.000Z`);
  });

  it('takes Monday from the zone: Sunday 23:30 UTC is already Monday in Berlin', () => {
    const now = at('2025-01-12T23:30:00.000Z');
    expect(resolvePeriod({ period: 'weekly', now }).label).toBe('2025-W01');
    const berlin = resolvePeriod({ period: 'weekly', now, timeZone: 'Europe/Berlin' });
    expect(berlin).toMatchObject({
      label: '2025-W02',
      fromTs: '2025-01-05T23:00:00.000Z',
      toTs: '2025-01-12T23:00:00.000Z',
      fromHour: '2025010523',
      toHour: '2025011222',
    });
  });

  it('is 167 hours long in the week clocks spring forward and 169 in the week they fall back', () => {
    const spring = resolvePeriod({
      period: 'weekly',
      now: at('2025-04-02T12:00:00Z'),
      timeZone: 'Europe/Berlin',
    });
    expect(spring).toMatchObject({ start: '2025-03-24', end: '2025-03-30' });
    expect(spring.fromTs).toBe('2025-03-23T23:00:00.000Z'); // CET, +01:00
    expect(spring.toTs).toBe('2025-03-30T22:00:00.000Z'); // CEST, +02:00
    expect((Date.parse(spring.toTs) - Date.parse(spring.fromTs)) / 3_600_000).toBe(167);

    const fall = resolvePeriod({
      period: 'weekly',
      now: at('2025-10-29T12:00:00Z'),
      timeZone: 'Europe/Berlin',
    });
    expect(fall).toMatchObject({ start: '2025-10-20', end: '2025-10-26' });
    expect((Date.parse(fall.toTs) - Date.parse(fall.fromTs)) / 3_600_000).toBe(169);

    const us = resolvePeriod({
      period: 'weekly',
      now: at('2025-03-12T12:00:00Z'),
      timeZone: 'America/New_York',
    });
    expect(us).toMatchObject({ fromTs: '2025-03-03T05:00:00.000Z', toTs: '2025-03-10T04:00:00.000Z' });
  });
});

describe('monthly: the previous full month', () => {
  it.each([
    ['2025-01-01T00:00:00.000Z', '2024-12', '2024-12-01', '2024-12-31'], // year end
    ['2024-12-31T23:59:59.999Z', '2024-11', '2024-11-01', '2024-11-30'],
    ['2024-03-15T10:00:00.000Z', '2024-02', '2024-02-01', '2024-02-29'], // leap year
    ['2023-03-01T00:00:00.000Z', '2023-02', '2023-02-01', '2023-02-28'],
    ['2100-03-01T00:00:00.000Z', '2100-02', '2100-02-01', '2100-02-28'], // century, not leap
    ['2000-03-01T00:00:00.000Z', '2000-02', '2000-02-01', '2000-02-29'], // 400-year leap
  ])('at %s → %s', (now, label, start, end) => {
    const period = resolvePeriod({ period: 'monthly', now: at(now) });
    expect(period).toMatchObject({ label, start, end });
    expect(period.toTs).toBe(`${addDays(end, 1)}T00:00:00.000Z`);
    expect(period.toHour).toBe(`${end.replaceAll('-', '')}23`);
  });

  it('uses local midnights: January in Tokyo starts on December 31st at 15:00 UTC', () => {
    const period = resolvePeriod({
      period: 'monthly',
      now: at('2025-02-10T00:00:00Z'),
      timeZone: 'Asia/Tokyo',
    });
    expect(period).toMatchObject({ fromTs: '2024-12-31T15:00:00.000Z', toTs: '2025-01-31T15:00:00.000Z' });
  });
});

describe('quarterly: the previous full calendar quarter', () => {
  it.each([
    ['2025-01-01T00:00:00.000Z', '2024-Q4', '2024-10-01', '2024-12-31'], // quarter and year start
    ['2025-03-31T23:59:59.999Z', '2024-Q4', '2024-10-01', '2024-12-31'],
    ['2025-04-01T00:00:00.000Z', '2025-Q1', '2025-01-01', '2025-03-31'],
    ['2024-05-20T00:00:00.000Z', '2024-Q1', '2024-01-01', '2024-03-31'],
    ['2025-07-01T00:00:00.000Z', '2025-Q2', '2025-04-01', '2025-06-30'],
    ['2025-12-31T12:00:00.000Z', '2025-Q3', '2025-07-01', '2025-09-30'],
  ])('at %s → %s', (now, label, start, end) => {
    expect(resolvePeriod({ period: 'quarterly', now: at(now) })).toMatchObject({ label, start, end });
  });

  it('asks the zone which quarter it is: 1 January 00:30 in Kolkata is still 31 December UTC', () => {
    const now = at('2024-12-31T19:00:00.000Z');
    expect(resolvePeriod({ period: 'quarterly', now }).label).toBe('2024-Q3');
    const kolkata = resolvePeriod({ period: 'quarterly', now, timeZone: 'Asia/Kolkata' });
    expect(kolkata).toMatchObject({
      label: '2024-Q4',
      timeZone: 'Asia/Kolkata',
      fromTs: '2024-09-30T18:30:00.000Z',
      toTs: '2024-12-31T18:30:00.000Z',
      // The half-hour offset: the first partition holds some records before the period; the ts filter drops them.
      fromHour: '2024093018',
      toHour: '2024123118',
    });
  });
});

describe('custom --from/--to', () => {
  it('covers whole days, both inclusive', () => {
    expect(resolvePeriod({ from: '2024-02-28', to: '2024-03-01' })).toMatchObject({
      kind: 'custom',
      label: '2024-02-28_2024-03-01',
      fromTs: '2024-02-28T00:00:00.000Z',
      toTs: '2024-03-02T00:00:00.000Z',
      fromHour: '2024022800',
      toHour: '2024030123',
    });
    expect(resolvePeriod({ from: '2024-12-31', to: '2024-12-31' }).toTs).toBe('2025-01-01T00:00:00.000Z');
  });

  it.each([
    [{ period: 'weekly', from: '2025-01-01', to: '2025-01-02' }, /cannot be combined/],
    [{ from: '2025-01-01' }, /--from and --to go together/],
    [{ to: '2025-01-01' }, /--from and --to go together/],
    [{ from: '2023-02-29', to: '2023-03-01' }, /--from: "2023-02-29" is not a calendar date/],
    [{ from: '2025-01-01', to: '2025-13-01' }, /--to: "2025-13-01" is not a calendar date/],
    [{ from: '2025/01/01', to: '2025-01-02' }, /in the form YYYY-MM-DD/],
    [{ from: '2025-01-02', to: '2025-01-01' }, /is after --to/],
    [{}, /choose a period/],
    [{ period: 'yearly' }, /use weekly, monthly or quarterly/],
    [{ period: 'weekly', timeZone: "UTC'; DROP TABLE x; --" }, /is not an IANA time zone name/],
    [{ period: 'weekly', timeZone: 'Europe/Atlantis' }, /unknown time zone/],
  ])('rejects %j', (request, message) => {
    expect(() => resolvePeriod(request)).toThrow(ConfigError);
    expect(() => resolvePeriod(request)).toThrow(message);
  });
});

describe('zoned time', () => {
  it('starts a day whose midnight is skipped at the transition (São Paulo, 2018-11-04 00:00 → 01:00)', () => {
    expect(iso(zonedStartOfDay('2018-11-04', 'America/Sao_Paulo'))).toBe('2018-11-04T03:00:00.000Z');
    expect(localDateOf(Date.parse('2018-11-04T03:00:00.000Z'), 'America/Sao_Paulo')).toBe('2018-11-04');
    expect(localDateOf(Date.parse('2018-11-04T02:59:59.999Z'), 'America/Sao_Paulo')).toBe('2018-11-03');
  });

  it('starts a day after a fall-back at midnight once, after the repeated hour (São Paulo, 2019-02-17)', () => {
    expect(iso(zonedStartOfDay('2019-02-17', 'America/Sao_Paulo'))).toBe('2019-02-17T03:00:00.000Z');
    // The day before lasted 25 hours.
    expect(iso(zonedStartOfDay('2019-02-16', 'America/Sao_Paulo'))).toBe('2019-02-16T02:00:00.000Z');
  });

  it('handles zones east of UTC across the date line and 45-minute offsets', () => {
    expect(iso(zonedStartOfDay('2025-01-01', 'Pacific/Kiritimati'))).toBe('2024-12-31T10:00:00.000Z');
    expect(iso(zonedStartOfDay('2025-01-01', 'Asia/Kathmandu'))).toBe('2024-12-31T18:15:00.000Z');
  });

  it('normalizes zone names and keeps the user’s spelling of aliases', () => {
    expect(resolveTimeZone('utc')).toBe('UTC');
    expect(resolveTimeZone('Etc/UTC')).toBe('UTC');
    expect(resolveTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(resolveTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
  });

  it('labels ISO weeks by the year of their Thursday', () => {
    expect(isoWeekLabel('2024-12-30')).toBe('2025-W01');
    expect(isoWeekLabel('2020-12-28')).toBe('2020-W53');
    expect(isoWeekLabel('2027-01-04')).toBe('2027-W01');
    expect(isoWeekLabel('2026-12-28')).toBe('2026-W53');
  });
});
