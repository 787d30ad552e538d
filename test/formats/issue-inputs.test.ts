/**
 * Every input quoted in issues 15 and 21, and others of the same kinds, through the format parser and
 * normalizeFields as ingest runs them.
 */
import { describe, expect, it } from 'vitest';
import { resolveLineParser } from '../../formats/index.ts';
import { normalizeFields } from '../../ingest/records/normalize.ts';
import type { CanonicalRecord } from '../../lake-contract/index.ts';

function record(spec: string, line: string): CanonicalRecord {
  const fields = resolveLineParser(spec).parse(line);
  if (!fields.success) throw new Error(fields.error);
  const result = normalizeFields(fields.data, 't');
  if (!result.success) throw new Error(result.error);
  return result.data;
}

function reason(spec: string, line: string): string {
  const fields = resolveLineParser(spec).parse(line);
  if (!fields.success) return fields.error;
  const result = normalizeFields(fields.data, 't');
  return result.success ? 'accepted' : result.error;
}

const JSON_SHAPED =
  'escape=json {"remote_addr": "$remote_addr", "time": "$time_iso8601", "request": "$request", "status": $status, "body_bytes_sent": $body_bytes_sent, "upstream_response_time": $upstream_response_time, "host": "$host"}';
const jsonShaped = (urt: string) =>
  `{"remote_addr": "203.0.113.83", "time": "2020-03-04T09:36:01+03:00", "request": "GET / HTTP/1.1", "status": 200, "body_bytes_sent": 5, "upstream_response_time": ${urt}, "host": "example.com"}`;

describe('issue 15, failure 1: an unquoted list followed by a literal starting with ", "', () => {
  it.each([
    ['0.010, 0.020', '0.010, 0.020'],
    ['', null],
    ['0.010', '0.010'],
    ['-, 0.004 : 0.001', '-, 0.004 : 0.001'],
  ])('upstream_response_time %j', (urt, expected) => {
    expect(record(JSON_SHAPED, jsonShaped(urt))).toMatchObject({
      upstream_response_time: expected,
      host: 'example.com',
      path: '/',
    });
  });

  it.each([
    ['$upstream_status', 'us=$upstream_status, "$host"', 'us=502, 200, "example.com"', '502, 200'],
    [
      '$upstream_addr',
      'ua=$upstream_addr, "$host"',
      'ua=10.0.0.1:80, unix:/s : b, "example.com"',
      '10.0.0.1:80, unix:/s : b',
    ],
    [
      '$upstream_connect_time',
      'uct=$upstream_connect_time, host=$host',
      'uct=-, 0.001, host=example.com',
      '-, 0.001',
    ],
  ])('%s before a literal that no entry can start', (variable, format, line, list) => {
    const spec = `$remote_addr ${format}`;
    const fields = resolveLineParser(spec).parse(`10.0.0.9 ${line}`);
    expect(fields.success && fields.data).toMatchObject({ [variable.slice(1)]: list, host: 'example.com' });
  });

  it.each([
    '$upstream_addr, $host',
    '$upstream_addr, host=$host',
    '$upstream_status, 5$host',
    '$upstream_addr : $host',
    '$upstream_addr $remote_user',
  ])('rejects %j at compile time: the literal could read as one more entry', (format) => {
    expect(() => resolveLineParser(`$remote_addr ${format}`)).toThrow(/can read as one more entry/);
  });
});

describe('issue 15, failure 2: blanks inside the request line', () => {
  const line = (request: string) =>
    `203.0.113.91 - - [14/Jun/2016:15:58:13 -0400] "${request}" 404 151 "-" "curl/7.43.0"`;
  it.each([
    ['GET /index.php?x=a b HTTP/1.1', 'GET', '/index.php?x=a b', 'HTTP/1.1'],
    ['GET  /double-space HTTP/1.1', 'GET', '/double-space', 'HTTP/1.1'],
    ['GET /a  b  HTTP/1.1', 'GET', '/a  b', 'HTTP/1.1'],
    ['POST /x y z HTTP/1.0', 'POST', '/x y z', 'HTTP/1.0'],
    ['GET /old style', 'GET', '/old style', null],
    ['OPTIONS * HTTP/1.1', 'OPTIONS', '*', 'HTTP/1.1'],
  ])('%j', (request, method, path, protocol) => {
    expect(record('combined', line(request))).toMatchObject({ method, path, protocol, status: 404 });
  });
});

describe('blanks at the ends of the request line and tabs (tester fault 4)', () => {
  const line = (request: string) =>
    `203.0.113.91 - - [14/Jun/2016:15:58:13 -0400] "${request}" 404 151 "-" "curl/7.43.0"`;
  it.each([
    ['GET /x HTTP/1.1 ', 'GET', '/x', 'HTTP/1.1'],
    ['GET /x HTTP/1.1   ', 'GET', '/x', 'HTTP/1.1'],
    [' GET /x HTTP/1.1', 'GET', '/x', 'HTTP/1.1'],
    ['  GET  /x  HTTP/1.1  ', 'GET', '/x', 'HTTP/1.1'],
    ['GET /x\t HTTP/1.1', 'GET', '/x\t', 'HTTP/1.1'],
    ['GET\t/x\tHTTP/1.1', null, null, null],
    ['\tGET /x HTTP/1.1\t', 'GET', '/x', 'HTTP/1.1'],
    ['GET /a b HTTP/1.1 \t ', 'GET', '/a b', 'HTTP/1.1'],
    ['GET /old ', 'GET', '/old', null],
  ])('%j', (request, method, path, protocol) => {
    expect(record('combined', line(request))).toMatchObject({ method, path, protocol });
  });
  it('json: the same request line with blanks around it', () => {
    const r = record(
      'json',
      '{"time_iso8601":"2023-07-07T09:54:24+00:00","remote_addr":"203.0.113.9","request":"\\tGET /x HTTP/1.1 ","status":200,"body_bytes_sent":1}',
    );
    expect(r).toMatchObject({ method: 'GET', path: '/x', protocol: 'HTTP/1.1' });
  });
});

describe('json: a key named twice', () => {
  it('keeps the last value, as docs/formats.md says', () => {
    const r = record(
      'json',
      '{"time_iso8601":"2023-07-07T09:54:24+00:00","remote_addr":"203.0.113.9","request":"GET /x HTTP/1.1","status":200,"body_bytes_sent":1,"k":"first","k":"second"}',
    );
    expect(r.extra).toEqual({ k: 'second' });
  });
});

describe('issue 15, failure 3: two fields for one canonical field', () => {
  it('json: body_bytes_sent wins, bytes_sent is kept in extra', () => {
    const r = record(
      'json',
      '{"time_iso8601":"2023-07-07T09:54:24+00:00","remote_addr":"203.0.113.9","request":"GET /search HTTP/1.1","status":"200","body_bytes_sent":214760,"bytes_sent":215132,"http_user_agent":"Mozilla/5.0","http_referer":"-"}',
    );
    expect(r).toMatchObject({ bytes_sent: 214760, extra: { bytes_sent: '215132' } });
  });

  it('log_format: $time_iso8601 beside $msec goes to extra', () => {
    const r = record(
      '$remote_addr $msec $time_iso8601 "$request" $status $body_bytes_sent',
      '10.0.0.1 1736519462.123 2025-01-10T14:31:02+00:00 "GET / HTTP/1.1" 200 1',
    );
    expect(r).toMatchObject({
      ts: '2025-01-10T14:31:02.123Z',
      extra: { time_iso8601: '2025-01-10T14:31:02+00:00' },
    });
  });
});

describe('issue 15, failure 4: $status as nginx prints it (%03ui)', () => {
  it.each([
    ['000', 0],
    ['009', 9],
    ['499', 499],
    ['999', 999],
  ])('%s', (status, expected) => {
    const r = record(
      'combined',
      `203.0.113.8 - - [03/Nov/2017:10:00:00 +0800] "CONNECT www.example.com:443 HTTP/1.1" ${status} 5120 "-" "curl/7.29.0"`,
    );
    expect(r).toMatchObject({
      status: expected,
      bytes_sent: 5120,
      remote_addr: '203.0.113.8',
      method: 'CONNECT',
      path: 'www.example.com:443',
    });
    expect(r.ts).toBe('2017-11-03T02:00:00.000Z');
  });
});

describe('issue 15, failure 5: absolute-form request targets', () => {
  it.each([
    ['GET https://www.example.com/some/path HTTP/1.1', '/some/path', 'www.example.com'],
    ['GET http://WWW.Example.com:8080/p?q=1 HTTP/1.1', '/p?q=1', 'www.example.com'],
    ['GET http://[::1]:80/v6 HTTP/1.1', '/v6', '[::1]'],
    ['GET https://user@example.com HTTP/1.1', '/', 'example.com'],
    ['GET https://example.com?x=1 HTTP/1.1', '/?x=1', 'example.com'],
  ])('%j', (request, path, host) => {
    const r = record(
      'combined',
      `203.0.113.0 - - [24/Aug/2020:01:28:53 +0000] "${request}" 200 28 "-" "Mozilla/5.0"`,
    );
    expect(r).toMatchObject({ path, host });
  });

  it('a host field wins over the request line; $request_uri gives the same path', () => {
    const spec = '$remote_addr [$time_local] "$request" $status $body_bytes_sent $host';
    const r = record(
      spec,
      '203.0.113.0 [24/Aug/2020:01:28:53 +0000] "GET https://a.example/p HTTP/1.1" 200 28 b.example',
    );
    expect(r).toMatchObject({ path: '/p', host: 'b.example' });
    const json = record(
      'json',
      '{"ts":"2020-08-24T01:28:53Z","remote_addr":"203.0.113.0","method":"GET","path":"https://a.example/p","status":200,"bytes_sent":1}',
    );
    expect(json).toMatchObject({ path: '/p', host: 'a.example' });
  });
});

describe('issue 15: quoted fields of other producers in the combined layout', () => {
  it('reads \\" and \\\\ as well as \\xHH', () => {
    const r = record(
      'combined',
      '10.0.0.1 - - [10/Jan/2025:14:31:02 +0000] "GET /a\\"b HTTP/1.1" 200 1 "say \\"hi\\"" "Mozilla \\"x\\" \\\\ caf\\xC3\\xA9"',
    );
    expect(r).toMatchObject({ path: '/a"b', referer: 'say "hi"', user_agent: 'Mozilla "x" \\ café' });
  });
});

describe('issue 21, kind 1: a known layout followed by extra fields', () => {
  it.each([
    [
      '198.51.100.1 - - [31/Mar/2021:12:04:07 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/7.75.0" "-"',
      undefined,
    ],
    [
      '198.51.100.4 - alice [01/Apr/2021:12:02:31 +0000] "POST /not-found HTTP/1.1" 404 153 "http://localhost/somewhere" "Mozilla/5.0" "2.75"',
      { remote_user: 'alice', field_1: '2.75' },
    ],
    [
      '10.0.0.1 - - [10/Jan/2025:14:31:02 +0000] "GET / HTTP/1.1" 200 1 "-" "ua" "203.0.113.9, 10.0.0.2" rt=0.004 "-" "caf\\xC3\\xA9"',
      { field_1: '203.0.113.9, 10.0.0.2', field_2: 'rt=0.004', field_4: 'café' },
    ],
  ])('combined keeps %j', (line, extra) => {
    const r = record('combined', line);
    expect(r.extra).toEqual(extra);
    expect(r.method).not.toBeNull();
  });

  it.each([['"-" "2.75"'], [' "-" "2.75"'], ['"-"  "2.75"'], ['"-" \t "2.75"  '], ['\t"-"\t"2.75"']])(
    'numbers appended fields the same whatever the blanks before and between them (%j)',
    (tail) => {
      const head =
        '198.51.100.4 - alice [01/Apr/2021:12:02:31 +0000] "GET / HTTP/1.1" 404 153 "-" "Mozilla/5.0"';
      const r = record('combined', `${head} ${tail}`);
      expect(r.extra).toEqual({ remote_user: 'alice', field_2: '2.75' });
    },
  );

  it('alb reads runs of blanks as one separator too', () => {
    const alb =
      'http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 2018-07-02T22:22:48.364000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-"';
    const single = record('alb', alb);
    expect(record('alb', alb.replaceAll(' "', '  "'))).toEqual(single);
  });

  it('main keeps fields after its X-Forwarded-For', () => {
    const r = record(
      'main',
      '10.0.0.1 - - [10/Jan/2025:14:31:02 +0000] "GET / HTTP/1.1" 200 1 "-" "ua" "1.2.3.4" "0.5"',
    );
    expect(r).toMatchObject({ x_forwarded_for: '1.2.3.4', extra: { field_1: '0.5' } });
  });

  it('a line that does not match the named part stays a reject', () => {
    expect(
      reason('combined', '10.0.0.1 - - [10/Jan/2025:14:31:02 +0000] "GET / HTTP/1.1" 200 "-" "ua" "x"'),
    ).toMatch(/^bytes_sent: expected an integer/);
    expect(
      reason('combined', '10.0.0.1 [10/Jan/2025:14:31:02 +0000] "GET / HTTP/1.1" 200 1 "-" "ua" "x"'),
    ).toMatch(/^\$remote_addr: /);
  });
});

describe('issue 21, kind 2: requests nginx logged but could not parse', () => {
  const line = (request: string, status = 400) =>
    `198.51.100.3 - - [04/Oct/2022:03:07:27 +0000] "${request}" ${status} 150 "-" "-"`;
  it.each([
    ['', undefined],
    ['-', undefined],
    [']&\\xDF\\xBDV\\xE7\\xBB<\\x10;\\xA2b}\\xDFM\\x1D', ']&\\xDF\\xBDV\\xE7\\xBB<\\x10;\\xA2b}\\xDFM\\x1D'],
    // A TLS ClientHello sent to the plain-text port, as nginx escapes it.
    [
      '\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03\\xA4',
      '\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03\\xA4',
    ],
    // Only control bytes: valid UTF-8 once decoded, written back as nginx wrote them.
    ['\\x16\\x03\\x01ab', '\\x16\\x03\\x01ab'],
    ['GET', 'GET'],
    ['G(T / HTTP/1.1', 'G(T / HTTP/1.1'],
    ['hello world', 'hello world'],
    ['SSH-2.0-OpenSSH_8.9', 'SSH-2.0-OpenSSH_8.9'],
  ])('%j: kept with client, time, status, bytes; request fields null', (request, raw) => {
    const r = record('combined', line(request));
    expect(r).toMatchObject({
      remote_addr: '198.51.100.3',
      ts: '2022-10-04T03:07:27.000Z',
      status: 400,
      bytes_sent: 150,
      method: null,
      path: null,
      protocol: null,
    });
    expect(r.extra?.request).toBe(raw);
  });

  it('the empty request line of issue 21 with empty referer and agent', () => {
    const r = record('combined', '198.51.100.2 - - [04/Oct/2022:04:34:49 +0000] "" 400 0 "" ""');
    expect(r).toMatchObject({ method: null, path: null, status: 400, bytes_sent: 0, user_agent: null });
  });

  it('json lines of such a request (nginx writes empty $request_method and $request_uri) are kept too', () => {
    const r = record(
      'json',
      '{"ts":"2022-10-04T03:07:27+00:00","remote_addr":"198.51.100.3","method":"","path":"","protocol":"","status":400,"bytes_sent":0}',
    );
    expect(r).toMatchObject({ method: null, path: null, protocol: null, status: 400 });
  });
});

describe('alb and s3: appended fields and raw quotes', () => {
  const ALB =
    'https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 2018-07-02T22:22:48.364000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1 "-" "-" "-"';
  it('alb keeps fields AWS appends after the known ones as field_1, field_2', () => {
    const r = record('alb', `${ALB} "new one" 42`);
    expect(r.extra).toMatchObject({ field_1: 'new one', field_2: '42' });
    expect(record('alb', ALB).extra?.field_1).toBeUndefined();
  });

  const S3 = (request: string, tail = '') =>
    `79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - "${request}" 200 - 113 - 7 - "-" "S3Console/0.4" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader awsexamplebucket1.s3.us-west-1.amazonaws.com TLSV1.2 - -${tail}`;
  it.each([
    ['GET /awsexamplebucket1/a"b HTTP/1.1', '/awsexamplebucket1/a"b'],
    ['GET /awsexamplebucket1/a" 200 x HTTP/1.1', '/awsexamplebucket1/a" 200 x'],
    ['GET /awsexamplebucket1/plain?versioning HTTP/1.1', '/awsexamplebucket1/plain?versioning'],
  ])('s3 anchors the raw request line %j on the fields after it', (request, path) => {
    const r = record('s3', S3(request));
    expect(r).toMatchObject({
      method: 'GET',
      path,
      status: 200,
      bytes_sent: 113,
      user_agent: 'S3Console/0.4',
    });
  });

  it('s3 keeps fields after sourceregion as field_1, …', () => {
    expect(record('s3', S3('GET /b/k HTTP/1.1', ' us-east-1 newfield')).extra).toMatchObject({
      field_1: 'newfield',
    });
  });
});
