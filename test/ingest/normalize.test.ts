import { describe, expect, it } from 'vitest';
import { isIP, isIPv4, isIPv6 } from '../../ingest/records/ip.ts';
import { FIELD_ALIASES, normalizeFields } from '../../ingest/records/normalize.ts';
import { parseEpochSeconds, parseIso8601, parseTimeLocal, toIsoUtc } from '../../ingest/records/time.ts';

const base = {
  remote_addr: '10.1.2.3',
  request: 'GET /a?b=1 HTTP/1.1',
  status: '200',
  body_bytes_sent: '42',
};

describe('normalizeFields', () => {
  it('maps nginx variable names onto the canonical record', () => {
    const result = normalizeFields(
      {
        ...base,
        time_local: '10/Jan/2025:15:31:02 +0100',
        http_user_agent: 'Mozilla/5.0 (X11)',
        http_referer: '-',
        http_x_forwarded_for: '198.51.100.7, 10.0.0.1',
        request_time: '0.250',
        upstream_response_time: '0.001, 0.002',
        cookie_session: 'abc123',
        http_host: 'example.com',
        remote_user: 'alice',
      },
      'web-1',
    );
    expect(result).toEqual({
      success: true,
      data: {
        ts: '2025-01-10T14:31:02.000Z',
        remote_addr: '10.1.2.3',
        method: 'GET',
        path: '/a?b=1',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes_sent: 42,
        request_time: 0.25,
        user_agent: 'Mozilla/5.0 (X11)',
        referer: null,
        session_id: 'abc123',
        host: 'example.com',
        x_forwarded_for: '198.51.100.7, 10.0.0.1',
        upstream_response_time: '0.001, 0.002',
        source: 'web-1',
        extra: { remote_user: 'alice' },
      },
    });
  });

  it('prefers $msec for millisecond precision', () => {
    const result = normalizeFields(
      { ...base, time_iso8601: '2025-01-10T14:31:02+00:00', msec: '1736519462.789' },
      's',
    );
    expect(result.success && result.data.ts).toBe('2025-01-10T14:31:02.789Z');
  });

  it('upper-cases the method and accepts HTTP/0.9 request lines without a protocol', () => {
    const result = normalizeFields({ ...base, ts: '2025-01-10T14:31:02Z', request: 'get /old' }, 's');
    expect(result.success && [result.data.method, result.data.protocol]).toEqual(['GET', null]);
  });

  it.each([
    [{ ...base }, 'ts: missing (log $time_iso8601, $time_local or $msec)'],
    [
      { ...base, ts: '2025-02-30T00:00:00Z' },
      'ts: expected ISO-8601 time like 2025-01-10T14:31:02+00:00, got "2025-02-30T00:00:00Z"',
    ],
    [
      { ...base, ts: '2025-01-10T14:31:02Z', remote_addr: '999.1.1.1' },
      'remote_addr: not an IPv4/IPv6 address: "999.1.1.1"',
    ],
    [
      { ...base, ts: '2025-01-10T14:31:02Z', status: '1000' },
      'status: expected an integer 0–999, got "1000"',
    ],
    [{ ...base, ts: '2025-01-10T14:31:02Z', status: '-' }, 'status: expected an integer 0–999, got "-"'],
    [
      { remote_addr: '10.1.2.3', status: '200', body_bytes_sent: '1', ts: '2025-01-10T14:31:02Z' },
      'method: missing (log $request or $request_method)',
    ],
    [
      {
        remote_addr: '10.1.2.3',
        request_method: 'GET',
        status: '200',
        body_bytes_sent: '1',
        ts: '2025-01-10T14:31:02Z',
      },
      'path: missing (log $request or $request_uri)',
    ],
    [
      { ...base, ts: '2025-01-10T14:31:02Z', body_bytes_sent: '-1' },
      'bytes_sent: expected an integer ≥ 0, got "-1"',
    ],
    [
      { ...base, ts: '2025-01-10T14:31:02Z', request_time: 'fast' },
      'request_time: expected seconds ≥ 0, got "fast"',
    ],
    [
      { ...base, ts: '2025-01-10T14:31:02Z', request: `GET /${'a'.repeat(9000)} HTTP/1.1` },
      'path: longer than 8192 bytes',
    ],
  ])('rejects with a reason naming the field (%#)', (fields, reason) => {
    expect(normalizeFields(fields, 's')).toEqual({ success: false, error: reason });
  });

  it('bounds extra fields in count and size', () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`var_${i}`, 'x'.repeat(5000)]));
    const result = normalizeFields({ ...base, ts: '2025-01-10T14:31:02Z', ...many }, 's');
    expect(result.success).toBe(true);
    const extra = result.success ? (result.data.extra ?? {}) : {};
    // 32 kept (each truncated) + the reserved count: 18 fields dropped and 32 values truncated.
    expect(Object.keys(extra)).toHaveLength(33);
    expect(extra.accesslake_dropped).toBe('50');
    expect(Object.entries(extra).every(([k, v]) => k === 'accesslake_dropped' || v.length === 2048)).toBe(
      true,
    );
  });
});

describe('field aliases', () => {
  const canonical = {
    ts: '2025-01-10T14:31:02Z',
    remote_addr: '10.0.0.1',
    method: 'GET',
    path: '/',
    status: 200,
    bytes_sent: 1,
  };
  // A valid value per canonical field, distinct per alias position k, and how it lands in the record.
  const valueFor = (field: string, k: number): [string | number, string | number] => {
    switch (field) {
      case 'remote_addr':
        return [`10.0.0.${k + 2}`, `10.0.0.${k + 2}`];
      case 'method':
        return [['PUT', 'POST', 'DELETE'][k]!, ['PUT', 'POST', 'DELETE'][k]!];
      case 'protocol':
        return [`HTTP/1.${k}`, `HTTP/1.${k}`];
      case 'status':
        return [201 + k, 201 + k];
      case 'bytes_sent':
        return [k + 7, k + 7];
      case 'request_time':
        return [k + 0.5, k + 0.5];
      case 'ts': {
        const at = Date.UTC(2025, 0, 10, 14, 31, 2 + k);
        const iso = new Date(at).toISOString();
        if (k === 0) return [String(at / 1000), iso];
        if (k === 5) return [`10/Jan/2025:14:31:0${2 + k} +0000`, iso];
        return [iso.replace('.000Z', '+00:00'), iso];
      }
      default:
        return [`/v${k}`, `/v${k}`];
    }
  };
  const cases = Object.entries(FIELD_ALIASES).flatMap(([field, names]) =>
    names.map((_, i) => [field, i, names] as const),
  );

  it.each(cases)('reads %s from alias %i of its list, the first present name winning', (field, i, names) => {
    const fields: Record<string, string | number> = { ...canonical };
    for (const name of names) delete fields[name];
    let expected: string | number | undefined;
    for (let k = i; k < names.length; k++) {
      const [raw, landed] = valueFor(field, k);
      fields[names[k]!] = raw;
      expected ??= landed;
    }
    const result = normalizeFields(fields, 's');
    expect(result.success && (result.data as unknown as Record<string, unknown>)[field]).toBe(expected);
  });
});

describe('time fields', () => {
  const names = ['ts', 'time_iso8601', 'time', 'timestamp'] as const;
  it.each(names.map((name, i) => [name, i] as const))(
    'reads the time from %s, ahead of the ISO names after it and of $time_local',
    (name, i) => {
      const fields: Record<string, string> = { ...base, time_local: '10/Jan/2025:00:00:00 +0000' };
      names.slice(i).forEach((later, k) => {
        fields[later] = `2025-01-10T1${k}:31:02Z`;
      });
      const result = normalizeFields(fields, 's');
      expect(fields[name]).toBe('2025-01-10T10:31:02Z');
      expect(result.success && result.data.ts).toBe('2025-01-10T10:31:02.000Z');
    },
  );

  it('names the ISO field it could not read', () => {
    expect(normalizeFields({ ...base, timestamp: 'yesterday' }, 's')).toEqual({
      success: false,
      error: 'timestamp: expected ISO-8601 time like 2025-01-10T14:31:02+00:00, got "yesterday"',
    });
  });

  it('falls back to $time_local and names it when it is unreadable', () => {
    expect(normalizeFields({ ...base, time_local: '10/Jan/2025' }, 's')).toEqual({
      success: false,
      error: 'time_local: expected time like 10/Jan/2025:14:31:02 +0000, got "10/Jan/2025"',
    });
  });
});

describe('time parsing', () => {
  it('reads $time_local with its offset', () => {
    expect(parseTimeLocal('01/Mar/2024:00:30:00 +0200')).toBe(Date.parse('2024-02-29T22:30:00Z'));
    expect(parseTimeLocal('31/Feb/2024:00:00:00 +0000')).toBeUndefined();
  });
  it('reads ISO-8601 with fractions and zones', () => {
    expect(parseIso8601('2025-01-10T14:31:02.5-05:30')).toBe(Date.parse('2025-01-10T20:01:02.500Z'));
    expect(parseIso8601('2025-01-10 14:31:02Z')).toBe(Date.parse('2025-01-10T14:31:02Z'));
  });
  it('reads $msec', () => {
    expect(parseEpochSeconds('1736519462.123')).toBe(1736519462123);
    expect(parseEpochSeconds('abc')).toBeUndefined();
  });
  it.each([
    ['0.000', '1970-01-01T00:00:00.000Z'],
    ['0', '1970-01-01T00:00:00.000Z'],
    ['1.000', '1970-01-01T00:00:01.000Z'],
    ['86400.000', '1970-01-02T00:00:00.000Z'],
    ['999999999.5', '2001-09-09T01:46:39.500Z'],
    ['253402300799.999', '9999-12-31T23:59:59.999Z'],
    ['253402300799', '9999-12-31T23:59:59.000Z'],
  ])('accepts $msec %s anywhere in the lake range', (msec, ts) => {
    const result = normalizeFields({ ...base, msec }, 'web-1');
    expect(result.success && result.data.ts).toBe(ts);
  });
  it.each(['253402300800.000', '253402300799.9996', '99999999999999999999.1'])(
    'rejects $msec %s past 9999 with a reason naming the range',
    (msec) => {
      const result = normalizeFields({ ...base, msec }, 'web-1');
      expect(result.success).toBe(false);
      expect(!result.success && result.error).toMatch(/^msec: .*9999-12-31T23:59:59\.999Z, the latest time/);
    },
  );
  it('names the range when $msec is not epoch seconds', () => {
    const result = normalizeFields({ ...base, msec: '-1.000' }, 'web-1');
    expect(!result.success && result.error).toMatch(/0 to 253402300799\.999/);
  });
});

describe('IP addresses', () => {
  it.each(['0.0.0.0', '255.255.255.255', '203.0.113.9'])('accepts IPv4 %s', (ip) =>
    expect(isIPv4(ip)).toBe(true),
  );
  it.each(['256.1.1.1', '1.2.3', '01.2.3.4', '1.2.3.4.5'])('rejects IPv4 %s', (ip) =>
    expect(isIPv4(ip)).toBe(false),
  );
  it.each([
    '::',
    '::1',
    '2001:db8::1',
    '1:2:3:4:5:6:7:8',
    '::ffff:192.0.2.1',
    'fe80::1%eth0',
    '1:2:3:4:5:6:1.2.3.4',
  ])('accepts IPv6 %s', (ip) => expect(isIPv6(ip)).toBe(true));
  it.each(['1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', ':1', 'unix:', '::ffff:999.0.0.1', 'g::1'])(
    'rejects IPv6 %s',
    (ip) => expect(isIP(ip)).toBe(false),
  );
});

describe('toIsoUtc', () => {
  it('matches Date#toISOString across seconds, including reuse of the previous second', () => {
    const start = Date.parse('2024-02-29T23:59:58.995Z');
    for (let ms = start; ms < start + 3000; ms += 7) expect(toIsoUtc(ms)).toBe(new Date(ms).toISOString());
    expect(toIsoUtc(0)).toBe('1970-01-01T00:00:00.000Z');
  });
});
