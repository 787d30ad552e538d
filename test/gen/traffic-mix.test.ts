import { describe, expect, it } from 'vitest';
import { resolveLineParser } from '../../formats/index.ts';
import { normalizeFields } from '../../ingest/records/normalize.ts';
import type { CanonicalRecord } from '../../lake-contract/index.ts';
import { generateLines, START } from './generated-lines.ts';

/** Every line through the ingest's own parser and validator, as the ingest would on arrival. */
function ingest(format: string, lines: string[]): { records: CanonicalRecord[]; rejects: string[] } {
  const parser = resolveLineParser(format);
  const records: CanonicalRecord[] = [];
  const rejects: string[] = [];
  for (const line of lines) {
    const fields = parser.parse(line);
    const record = fields.success ? normalizeFields(fields.data, 'gen-test') : fields;
    if (record.success) records.push(record.data);
    else rejects.push(`${record.error}: ${line}`);
  }
  return { records, rejects };
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

describe('accesslake gen output', () => {
  const { lines } = generateLines('json', 20_000);
  const { records, rejects } = ingest('json', lines);

  it('parses through the ingest json format with zero rejects', () => {
    expect(rejects.slice(0, 3)).toEqual([]);
    expect(records).toHaveLength(20_000);
  });

  it('keeps millisecond timestamps and starts at the requested time', () => {
    expect(records[0]!.ts.startsWith('2025-01-10T14:00:00.')).toBe(true);
    const fractional = records.filter((r) => !r.ts.endsWith('.000Z')).length;
    expect(fractional / records.length).toBeGreaterThan(0.9);
    for (let i = 1; i < records.length; i++) expect(records[i]!.ts >= records[i - 1]!.ts).toBe(true);
    expect(Date.parse(records[0]!.ts)).toBeGreaterThanOrEqual(START);
  });

  it('mixes paths with query strings, methods and hosts', () => {
    const paths = new Set(records.map((r) => r.path?.split('?')[0]));
    expect(paths.size).toBeGreaterThan(100);
    const withQuery = records.filter((r) => r.path?.includes('?')).length / records.length;
    expect(withQuery).toBeGreaterThan(0.15);
    expect(withQuery).toBeLessThan(0.6);
    expect(new Set(records.map((r) => r.method))).toEqual(
      new Set(['GET', 'POST', 'HEAD', 'DELETE', 'OPTIONS']),
    );
  });

  it('has every status class, with 4xx and 5xx bursts', () => {
    const classes = new Set(records.map((r) => Math.floor(r.status / 100)));
    expect([...classes].sort()).toEqual([2, 3, 4, 5]);
    const statuses = new Set(records.map((r) => r.status));
    for (const s of [200, 301, 304, 404, 429, 502]) expect(statuses).toContain(s);

    // Per 5-second window: the error share of the worst window is far above the overall share.
    const windows = new Map<number, { total: number; e4: number; e5: number }>();
    for (const r of records) {
      const key = Math.floor(Date.parse(r.ts) / 5000);
      const w = windows.get(key) ?? { total: 0, e4: 0, e5: 0 };
      w.total++;
      if (r.status >= 500) w.e5++;
      else if (r.status >= 400) w.e4++;
      windows.set(key, w);
    }
    const overall5 = records.filter((r) => r.status >= 500).length / records.length;
    const overall4 = records.filter((r) => r.status >= 400 && r.status < 500).length / records.length;
    const worst5 = Math.max(...[...windows.values()].map((w) => w.e5 / w.total));
    const worst4 = Math.max(...[...windows.values()].map((w) => w.e4 / w.total));
    expect(overall5).toBeLessThan(0.05);
    expect(worst5).toBeGreaterThan(Math.max(0.2, overall5 * 5));
    expect(worst4).toBeGreaterThan(Math.max(0.3, overall4 * 3));
  });

  it('has a long latency tail', () => {
    const times = records.map((r) => r.request_time!).sort((a, b) => a - b);
    expect(quantile(times, 0.5)).toBeGreaterThan(0.001);
    expect(quantile(times, 0.5)).toBeLessThan(0.05);
    expect(quantile(times, 0.99)).toBeGreaterThan(quantile(times, 0.5) * 10);
    expect(times.at(-1)).toBeLessThanOrEqual(60.1);
  });

  it('comes from many clients, some IPv6, some behind proxies, with sessions and varied agents', () => {
    const addresses = new Set(records.map((r) => r.remote_addr));
    expect(addresses.size).toBeGreaterThan(100);
    const v6 = records.filter((r) => r.remote_addr.includes(':')).length / records.length;
    expect(v6).toBeGreaterThan(0.02);
    expect(v6).toBeLessThan(0.3);
    expect(records.some((r) => r.x_forwarded_for !== null)).toBe(true);
    expect(new Set(records.map((r) => r.user_agent)).size).toBeGreaterThan(15);
    expect(records.some((r) => r.user_agent === null)).toBe(true);

    const perSession = new Map<string, number>();
    for (const r of records)
      if (r.session_id) perSession.set(r.session_id, (perSession.get(r.session_id) ?? 0) + 1);
    expect(perSession.size).toBeGreaterThan(50);
    // Sessions span several requests, as a visit does.
    expect([...perSession.values()].filter((n) => n >= 5).length).toBeGreaterThan(perSession.size / 3);
    expect(records.some((r) => r.referer?.startsWith('https://shop.example.com/'))).toBe(true);
    expect(records.some((r) => r.upstream_response_time !== null)).toBe(true);
  });

  it('is reproducible from its seed', () => {
    expect(generateLines('json', 500).lines).toEqual(lines.slice(0, 500));
    expect(generateLines('json', 500, { seed: 43 }).lines).not.toEqual(lines.slice(0, 500));
  });

  it('holds the mean rate it was asked for, bursts on top', () => {
    const spanSeconds = (Date.parse(records.at(-1)!.ts) - START) / 1000;
    const rate = records.length / spanSeconds;
    expect(rate).toBeGreaterThan(20);
    expect(rate).toBeLessThan(20 * 1.6);
  });
});

describe.each(['combined', 'main'])('gen --format %s', (format) => {
  it('parses through the ingest parser with zero rejects, fields intact', () => {
    const { lines, requests } = generateLines(format, 3000);
    const { records, rejects } = ingest(format, lines);
    expect(rejects.slice(0, 3)).toEqual([]);
    expect(records.map((r) => r.status)).toEqual(requests.map((g) => g.response.status));
    expect(records.map((r) => r.path)).toEqual(requests.map((g) => g.request.path));
    expect(records.map((r) => r.remote_addr)).toEqual(requests.map((g) => g.request.client.ip));
  });
});

describe('gen with an nginx log_format string', () => {
  it('renders any log_format the ingest reads, with the same records as json', () => {
    const format =
      '$remote_addr [$time_local] "$request" $status $body_bytes_sent $request_time "$http_user_agent" "$cookie_session"';
    const custom = ingest(format, generateLines(format, 2000).lines);
    const json = ingest('json', generateLines('json', 2000).lines);
    expect(custom.rejects.slice(0, 3)).toEqual([]);
    const strip = (r: CanonicalRecord) => [
      r.ts.slice(0, 19),
      r.remote_addr,
      r.path,
      r.status,
      r.request_time,
      r.user_agent,
      r.session_id,
    ];
    expect(custom.records.map(strip)).toEqual(json.records.map(strip));
  });
});
