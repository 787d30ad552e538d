import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toJsonLines } from '../../ingest/lake/write-batch.ts';
import type { CanonicalRecord } from '../../ingest/records/canonical.ts';

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
    request_time: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: null }),
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

describe('toJsonLines', () => {
  it('writes exactly one JSON.stringify per record and line, whatever the strings hold', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 8 }), (records) => {
        expect(toJsonLines(records)).toBe(perRecord(records));
      }),
      { numRuns: 2_000 },
    );
  });

  it('falls back to a stringify per record for records that do not open with their ts', () => {
    const shuffled = [
      { ts: '2025-01-10T14:31:02.000Z', status: 200 },
      { status: 201, ts: '2025-01-10T14:31:03.000Z' },
      { ts: '2025-01-10T14:31:04.000Z', status: 202 },
    ] as unknown as CanonicalRecord[];
    expect(toJsonLines(shuffled)).toBe(perRecord(shuffled));
    expect(toJsonLines(shuffled).split('\n')).toHaveLength(4);
  });

  it('writes nothing for no records', () => {
    expect(toJsonLines([])).toBe('');
  });
});
