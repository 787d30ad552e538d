import { describe, expect, it } from 'vitest';
import { formatAge, formatSummary } from '../../up/format.ts';
import type { AgentSummary, LakeSummary } from '../../up/summary.ts';

const agent: AgentSummary = {
  linesShipped: 0,
  linesRejected: 0,
  firstRejectReason: null,
  formats: ['json'],
  stopped: null,
  lagBytes: 0,
  lastAckAt: null,
  lastError: null,
};
const emptyLake: LakeSummary = {
  requests: 0,
  byClass: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
  p50: null,
  p95: null,
  newest: null,
  topPaths: [],
};

describe('the up summary', () => {
  it('fits lines shipped, lag, status classes, latency and top paths in three lines', () => {
    const now = Date.parse('2025-01-10T14:00:10.000Z');
    const text = formatSummary(
      15_000,
      { ...agent, linesShipped: 1234, lagBytes: 2048 },
      {
        requests: 1234,
        byClass: { '1xx': 0, '2xx': 1050, '3xx': 90, '4xx': 70, '5xx': 24 },
        p50: 0.016,
        p95: 0.118,
        newest: '2025-01-10T14:00:08.800Z',
        topPaths: [
          { path: '/static/img/p1.webp', requests: 80 },
          { path: '/api/search', requests: 62 },
        ],
      },
      now,
    );
    expect(text).toBe(
      [
        '[00:15] shipped 1,234 lines · rejected 0 · lag 2.0 KiB · newest record 1.20 s old',
        '        2xx 1,050 · 3xx 90 · 4xx 70 · 5xx 24 · p95 118 ms · p50 16 ms',
        '        top /static/img/p1.webp 80 · /api/search 62',
      ].join('\n'),
    );
  });

  it('says what the agent reports when it cannot send, and handles an empty lake', () => {
    const text = formatSummary(
      3_000,
      { ...agent, lagBytes: 512, lastError: 'ingest answered 401' },
      {
        requests: 0,
        byClass: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
        p50: null,
        p95: null,
        newest: null,
        topPaths: [],
      },
    );
    expect(text).toContain('shipped 0 lines · rejected 0 · lag 512 B · no records yet');
    expect(text).toContain('p95 – · p50 –');
    expect(text).toContain('top –');
    expect(text.split('\n').at(-1)).toBe('        agent: ingest answered 401');
  });

  it('shows rejected lines, the format and the first reason, and a file that is not shipped', () => {
    const text = formatSummary(
      5_000,
      {
        ...agent,
        linesShipped: 121,
        linesRejected: 121,
        formats: ['combined'],
        firstRejectReason: '$remote_addr: expected an IP address',
        stopped: 'no known format fits these lines',
      },
      emptyLake,
    );
    expect(text.split('\n')[0]).toBe('[00:05] shipped 121 lines · rejected 121 · lag 0 B · no records yet');
    expect(text).toContain(
      '\n        REJECTED 121 lines (format combined), the first because $remote_addr: expected an IP address: is --format right?',
    );
    expect(text).toContain('\n        NOT SHIPPING: no known format fits these lines');
  });

  it('writes old records’ age in minutes and hours', () => {
    expect(formatAge(840)).toBe('840 ms');
    expect(formatAge(125_000)).toBe('2 min');
    expect(formatAge(7_500_000)).toBe('2 h 5 min');
  });
});
