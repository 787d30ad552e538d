import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors/index.ts';
import { formatResult } from '../../query/format.ts';
import {
  athenaCostUsd,
  loadNamedQuery,
  NAMED_QUERIES,
  placeholderValues,
  renderNamedQuery,
  renderTemplate,
} from '../../query/index.ts';
import { parseTimeRange } from '../../query/time-range.ts';

const hour = { from: new Date('2025-01-10T14:00:00Z'), to: new Date('2025-01-10T15:00:00Z') };

describe('named-query placeholders', () => {
  it('fills ts bounds with milliseconds and hour bounds inclusive of the last millisecond', () => {
    expect(placeholderValues(hour)).toEqual({
      from_ts: '2025-01-10T14:00:00.000Z',
      to_ts: '2025-01-10T15:00:00.000Z',
      from_hour: '2025011014',
      to_hour: '2025011014', // [14:00, 15:00) never touches hour 15
    });
    const cut = { from: new Date('2025-01-10T23:30:00Z'), to: new Date('2025-01-11T00:00:00.001Z') };
    expect(placeholderValues(cut)).toMatchObject({ from_hour: '2025011023', to_hour: '2025011100' });
  });

  it('renders every named query with a partition predicate and a ts filter, no placeholder left', async () => {
    for (const name of NAMED_QUERIES) {
      const template = await loadNamedQuery(name);
      expect(template).toContain("concat(year, month, day, hour) BETWEEN '{{from_hour}}' AND '{{to_hour}}'");
      expect(template).toContain("ts >= '{{from_ts}}' AND ts < '{{to_ts}}'");
      const sql = await renderNamedQuery(name, hour);
      expect(sql).not.toContain('{{');
      expect(sql).toContain("BETWEEN '2025011014' AND '2025011014'");
    }
  });

  it('rejects an unknown placeholder, an unknown name and an empty range', async () => {
    expect(() => renderTemplate('SELECT {{from_tss}}', hour)).toThrow(/unknown placeholder \{\{from_tss\}\}/);
    await expect(loadNamedQuery('top-pages')).rejects.toThrow(
      /no named query "top-pages"; the names are: status-classes/,
    );
    expect(() => placeholderValues({ from: hour.to, to: hour.from })).toThrow(ConfigError);
  });
});

describe('--from/--to', () => {
  const now = new Date('2025-01-10T15:00:00Z');
  it('defaults to the last hour and accepts durations before --to', () => {
    expect(parseTimeRange(undefined, undefined, now)).toEqual({
      from: new Date('2025-01-10T14:00:00Z'),
      to: now,
    });
    expect(parseTimeRange('7d', '2025-01-10T00:00:00Z', now).from).toEqual(new Date('2025-01-03T00:00:00Z'));
  });
  it('reads a time without a zone as UTC and rejects what is not ISO-8601', () => {
    expect(parseTimeRange('2025-01-10T13:00', undefined, now).from).toEqual(new Date('2025-01-10T13:00:00Z'));
    expect(() => parseTimeRange('yesterday', undefined, now)).toThrow(
      /--from: "yesterday" is not an ISO-8601 time/,
    );
    expect(() => parseTimeRange('2025-01-10T16:00:00Z', undefined, now)).toThrow(/must be before --to/);
    // --to takes a time only: its error offers no duration, and does not point at itself.
    expect(() => parseTimeRange(undefined, '1h', now)).toThrow(
      /^--to: "1h" is not an ISO-8601 time \(2025-01-10T14:00:00Z\)$/,
    );
  });
});

describe('output formats', () => {
  const result = {
    columns: [
      { name: 'path', type: 'varchar' },
      { name: 'requests', type: 'bigint' },
    ],
    rows: [
      { path: '/a,"b"', requests: 12 },
      { path: null, requests: 3 },
    ],
  };
  it('writes RFC 4180 CSV, quoting commas and quotes, NULL as empty', () => {
    expect(formatResult(result, 'csv')).toBe('path,requests\r\n"/a,""b""",12\r\n,3\r\n');
  });
  it('writes JSON as an array of row objects', () => {
    expect(JSON.parse(formatResult(result, 'json'))).toEqual(result.rows);
  });
  it('aligns a table, numbers to the right, NULL spelled out', () => {
    expect(formatResult(result, 'table')).toBe(
      'path    requests\n------  --------\n/a,"b"        12\nNULL           3\n(2 rows)\n',
    );
  });
});

describe('Athena cost', () => {
  it('bills whole megabytes with a 10 MB minimum at $5/TB, nothing for nothing scanned', () => {
    expect(athenaCostUsd(0)).toBe(0);
    expect(athenaCostUsd(1)).toBeCloseTo((10 * 2 ** 20 * 5) / 2 ** 40, 12);
    expect(athenaCostUsd(2 ** 40)).toBe(5);
    expect(athenaCostUsd(100 * 2 ** 20 + 1)).toBeCloseTo((101 * 2 ** 20 * 5) / 2 ** 40, 12);
  });
});
