import { describe, expect, it } from 'vitest';
import { resolveLineParser } from '../../formats/index.ts';
import { JsonLinesWriter } from '../../ingest/lake/json-lines-writer.ts';
import { ExtraCollector, extraKeyOf } from '../../ingest/records/extra.ts';
import { normalizeFields } from '../../ingest/records/normalize.ts';

const base = {
  ts: '2025-01-10T14:31:02Z',
  remote_addr: '10.1.2.3',
  request: 'GET /a HTTP/1.1',
  status: '200',
  body_bytes_sent: '42',
};

function extraOf(fields: Record<string, string>): Record<string, string> | undefined {
  const result = normalizeFields({ ...base, ...fields }, 's');
  if (!result.success) throw new Error(result.error);
  return result.data.extra;
}

describe('extra policy', () => {
  it('lower-cases names and replaces characters outside [a-z0-9_], at most 64 characters', () => {
    expect(extraKeyOf('X-Request-ID')).toBe('x_request_id');
    expect(extraKeyOf('upstream_addr')).toBe('upstream_addr');
    expect(extraKeyOf('a.b c:d')).toBe('a_b_c_d');
    expect(extraKeyOf('ünï')).toBe('_n_');
    expect(extraKeyOf('k'.repeat(100))).toBe('k'.repeat(64));
  });

  it('resolves collisions in line order: the first keeps the name, later ones get _2, _3 (first free)', () => {
    expect(extraOf({ Foo: '1', foo: '2', 'a-b': '3', a_b: '4', foo_2: '5' })).toEqual({
      foo: '1',
      foo_2: '2',
      a_b: '3',
      a_b_2: '4',
      foo_2_2: '5',
    });
  });

  it('renames a source field called accesslake_dropped and counts what did not fit', () => {
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`v${i}`, 'x']));
    const extra = extraOf({ accesslake_dropped: 'mine', ...many, long: 'y'.repeat(3000) });
    expect(extra!.accesslake_dropped_2).toBe('mine');
    expect(Object.keys(extra!)).toHaveLength(33);
    // v31, v32 and long are over the 32 fields: 3 dropped.
    expect(extra!.accesslake_dropped).toBe('3');
  });

  it('keeps __proto__, constructor and other special keys as ordinary fields, and the lake writes them', () => {
    const fields = JSON.parse('{"__proto__":"p","constructor":"c","toString":"t","hasOwnProperty":"h"}');
    const result = normalizeFields({ ...base, ...fields }, 's');
    expect(result.success).toBe(true);
    const record = result.success ? result.data : undefined;
    expect(Object.getPrototypeOf(record!.extra)).toBeNull();
    expect(Object.entries(record!.extra!)).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['tostring', 't'],
      ['hasownproperty', 'h'],
    ]);
    expect(({} as Record<string, unknown>).p).toBeUndefined();
    const writer = new JsonLinesWriter();
    writer.record(record!);
    const line = JSON.parse(new TextDecoder().decode(writer.bytes()));
    expect(Object.hasOwn(line.extra, '__proto__')).toBe(true);
    expect(JSON.stringify(line.extra)).toBe(
      '{"__proto__":"p","constructor":"c","tostring":"t","hasownproperty":"h"}',
    );
  });

  it('keeps them from a json line end to end, a nested __proto__ object as its JSON text', () => {
    const line =
      '{"ts":"2025-01-10T14:31:02Z","remote_addr":"10.0.0.1","request":"GET / HTTP/1.1","status":200,"bytes_sent":1,"__proto__":{"polluted":"yes"},"constructor":"c"}';
    const fields = resolveLineParser('json').parse(line);
    const result = fields.success ? normalizeFields(fields.data, 's') : fields;
    expect(result.success && Object.entries(result.data.extra!)).toEqual([
      ['__proto__', '{"polluted":"yes"}'],
      ['constructor', 'c'],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('leaves out - and empty values without counting them', () => {
    const collector = new ExtraCollector();
    collector.add('a', '-');
    collector.add('b', '');
    expect(collector.result()).toBeUndefined();
  });
});

describe('several source fields for one canonical field: only the winner is consumed', () => {
  it('keeps $bytes_sent beside $body_bytes_sent in extra (issue 15, input 3)', () => {
    const result = normalizeFields(
      JSON.parse(
        '{"time_iso8601":"2023-07-07T09:54:24+00:00","remote_addr":"203.0.113.9","request":"GET /search HTTP/1.1","status":"200","body_bytes_sent":214760,"bytes_sent":215132,"http_user_agent":"Mozilla/5.0","http_referer":"-"}',
      ),
      's',
    );
    expect(result.success && result.data).toMatchObject({
      bytes_sent: 214760,
      extra: { bytes_sent: '215132' },
    });
  });

  it.each([
    [
      { msec: '1736519462.789', time_iso8601: '2025-01-10T14:31:02+00:00' },
      { ts: '2025-01-10T14:31:02Z', time_iso8601: '2025-01-10T14:31:02+00:00' },
    ],
    [{ time_local: '10/Jan/2025:14:31:02 +0000' }, { time_local: '10/Jan/2025:14:31:02 +0000' }],
    [{ realip_remote_addr: '10.9.9.9' }, { realip_remote_addr: '10.9.9.9' }],
    [{ http_user_agent: 'b', user_agent: 'a' }, { http_user_agent: 'b' }],
    [{ http_host: 'h.example', server_name: 'srv' }, { server_name: 'srv' }],
    [
      { request_method: 'POST', request_uri: '/x', server_protocol: 'HTTP/2.0' },
      { request: 'GET /a HTTP/1.1' },
    ],
    [{ cookie_session: 's1', cookie_sessionid: 's2' }, { cookie_sessionid: 's2' }],
  ])('the losers of %j go to extra', (fields, want) => {
    const extra = extraOf(fields as Record<string, string>);
    expect(extra).toEqual(want);
  });

  it('keeps $uri and $args when the path came from $request', () => {
    expect(extraOf({ uri: '/a', args: 'q=1' })).toEqual({ uri: '/a', args: 'q=1' });
  });
});
