import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HourlyJsonLines } from '../../ingest/lake/hourly-json-lines.ts';
import { JsonLinesWriter } from '../../ingest/lake/json-lines-writer.ts';
import type { CanonicalRecord } from '../../lake-contract/index.ts';

const perRecord = (records: readonly object[]) => records.map((r) => `${JSON.stringify(r)}\n`).join('');

// Strings that try to fake a record boundary or need escaping (quotes, controls, lone surrogates).
const tricky = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('},{"ts":"', '"},{"ts":"x', '\\"},{\\"ts\\":\\"', '\n', '\ud800', '}', '"ts":"', ''),
);
const nullable = fc.option(tricky, { nil: null });
const record: fc.Arbitrary<CanonicalRecord> = fc
  .record({
    ts: tricky,
    remote_addr: tricky,
    method: tricky,
    path: tricky,
    protocol: nullable,
    status: fc.integer({ min: 100, max: 599 }),
    bytes_sent: fc.nat(),
    request_time: fc.option(
      // nginx's millisecond times, which the writer formats itself, and any other double.
      fc.oneof(
        fc.integer({ min: 0, max: 1e12 }).map((ms) => ms / 1000),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
      ),
      { nil: null },
    ),
    user_agent: nullable,
    referer: nullable,
    session_id: nullable,
    host: nullable,
    x_forwarded_for: nullable,
    upstream_response_time: nullable,
    source: tricky,
    extra: fc.option(fc.dictionary(tricky, tricky), { nil: undefined }),
  })
  .map((r) => {
    const { extra, ...rest } = r;
    return extra === undefined ? rest : { ...rest, extra };
  });

const utf8 = new TextDecoder('utf-8', { fatal: true });

function written(records: readonly CanonicalRecord[], capacity?: number): Uint8Array {
  const writer = new JsonLinesWriter(capacity);
  for (const r of records) writer.record(r);
  return writer.bytes();
}

describe('JsonLinesWriter', () => {
  it('writes the UTF-8 of one JSON.stringify per record and line, whatever the strings hold', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 8 }), (records) => {
        // A fatal decode proves the bytes are well-formed UTF-8; UTF-8 is one-to-one, so equal text is equal bytes.
        expect(utf8.decode(written(records))).toBe(perRecord(records));
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps every byte when a batch outgrows the first guess of its size', () => {
    const records = fc.sample(record, { numRuns: 300, seed: 7 });
    expect(utf8.decode(written(records, 1))).toBe(perRecord(records));
  });

  it('writes numbers as JSON does: integers, fractions, exponents, and null for what JSON cannot hold', () => {
    const base = fc.sample(record, { numRuns: 1, seed: 1 })[0]!;
    for (const n of [0, 7, 599, 2 ** 31 - 1, 2 ** 31, 2 ** 53 - 1, 0.054, 1e-7, 1e21, -0, -3, Number.NaN]) {
      const r = { ...base, bytes_sent: n, request_time: n };
      expect(utf8.decode(written([r]))).toBe(perRecord([r]));
    }
  });

  it('escapes lone surrogates as JSON.stringify does instead of writing invalid UTF-8', () => {
    const base = fc.sample(record, { numRuns: 1, seed: 2 })[0]!;
    const r = { ...base, path: '/a\ud800b\udc00c\ud83d\ude00' };
    expect(utf8.decode(written([r]))).toContain('"path":"/a\\ud800b\\udc00c😀"');
  });
});

describe('HourlyJsonLines', () => {
  const at = (ts: string, path: string) => ({ ...fc.sample(record, { numRuns: 1, seed: 3 })[0]!, ts, path });

  it('groups interleaved hours in order of first appearance, each hour in arrival order', () => {
    const lines = HourlyJsonLines.of([
      at('2025-01-10T14:00:01.000Z', '/a'),
      at('2025-01-10T15:00:00.000Z', '/b'),
      at('2025-01-10T14:59:59.999Z', '/c'),
      at('2025-01-10T13:00:00.000Z', '/d'),
      at('2025-01-10T15:30:00.000Z', '/e'),
    ]);
    const hours = [...lines.byHour()].map(({ firstTs, jsonLines }) => ({
      firstTs,
      paths: utf8
        .decode(jsonLines)
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).path),
    }));
    expect(hours).toEqual([
      { firstTs: '2025-01-10T14:00:01.000Z', paths: ['/a', '/c'] },
      { firstTs: '2025-01-10T15:00:00.000Z', paths: ['/b', '/e'] },
      { firstTs: '2025-01-10T13:00:00.000Z', paths: ['/d'] },
    ]);
    expect(lines.count).toBe(5);
  });

  it('does not let a ts shorter than an hour key share a group by prefix', () => {
    const lines = HourlyJsonLines.of([at('2025', '/short'), at('2025-01-10T14:00:00.000Z', '/full')]);
    expect([...lines.byHour()].map((h) => h.firstTs)).toEqual(['2025', '2025-01-10T14:00:00.000Z']);
  });

  it('has no hours for no records', () => {
    expect([...new HourlyJsonLines().byHour()]).toEqual([]);
  });
});
