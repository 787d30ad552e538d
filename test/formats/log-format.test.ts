import { describe, expect, it } from 'vitest';
import {
  cachedLogFormatCount,
  compileLogFormat,
  decodeJsonEscapes,
  decodeNginxEscapes,
  LOG_FORMAT_CACHE_SIZE,
  LogFormatSyntaxError,
  parseLogFormatSpec,
  resolveLineParser,
  toLogFormatSpec,
  UnsupportedFormatError,
} from '../../formats/index.ts';
import { parseBatchLines } from '../../ingest/batch/parse-lines.ts';
import type { FieldMap } from '../../ingest/records/normalize.ts';

const COMBINED_LINE =
  '203.0.113.7 - alice [10/Jan/2025:14:31:02 +0100] "GET /search?q=a%20b HTTP/1.1" 200 5120 "https://example.com/" "Mozilla/5.0 (X11; Linux) \\x22q\\x22"';

function fields(spec: string, line: string): FieldMap {
  const result = resolveLineParser(spec).parse(line);
  if (!result.success) throw new Error(result.error);
  return result.data;
}

function reason(spec: string, line: string): string {
  const { accepted, rejected } = parseBatchLines(`${line}\n`, resolveLineParser(spec), 'test');
  expect(accepted).toHaveLength(0);
  return rejected[0]!.reason;
}

function compileError(spec: string): LogFormatSyntaxError {
  try {
    compileLogFormat(spec);
  } catch (error) {
    expect(error).toBeInstanceOf(LogFormatSyntaxError);
    return error as LogFormatSyntaxError;
  }
  throw new Error(`${spec} compiled`);
}

describe('resolveLineParser', () => {
  it('knows json, combined, main, s3 and alb by name, in any case', () => {
    for (const name of ['json', 'combined', 'main', 's3', 'alb']) {
      expect(resolveLineParser(` ${name.toUpperCase()} `).name).toBe(name);
    }
  });

  it('answers 415 for an unknown name and 400 with the column for a broken log_format', () => {
    expect(() => resolveLineParser('syslog-ish')).toThrow(UnsupportedFormatError);
    try {
      resolveLineParser('$remote_addr [$time_local] ${status');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LogFormatSyntaxError);
      expect((error as LogFormatSyntaxError).status).toBe(400);
      expect((error as LogFormatSyntaxError).message).toMatch(
        /at position 28: the closing } of "\$\{status" is missing/,
      );
    }
  });

  it('compiles a log_format once and keeps at most LOG_FORMAT_CACHE_SIZE of them', () => {
    const spec = '$remote_addr cache-test $status';
    expect(resolveLineParser(spec)).toBe(resolveLineParser(spec));
    for (let i = 0; i < LOG_FORMAT_CACHE_SIZE + 10; i++) resolveLineParser(`$remote_addr n${i} $status`);
    expect(cachedLogFormatCount()).toBe(LOG_FORMAT_CACHE_SIZE);
  });
});

describe('combined and main', () => {
  it('names fields by nginx variable and decodes escape=default', () => {
    expect(fields('combined', COMBINED_LINE)).toEqual({
      remote_addr: '203.0.113.7',
      remote_user: 'alice',
      time_local: '10/Jan/2025:14:31:02 +0100',
      request: 'GET /search?q=a%20b HTTP/1.1',
      status: '200',
      body_bytes_sent: '5120',
      http_referer: 'https://example.com/',
      http_user_agent: 'Mozilla/5.0 (X11; Linux) "q"',
    });
  });

  it('normalizes combined into the canonical record, unknown variables in extra', () => {
    const { accepted } = parseBatchLines(`${COMBINED_LINE}\n`, resolveLineParser('combined'), 'web-1');
    expect(accepted[0]).toEqual({
      ts: '2025-01-10T13:31:02.000Z',
      remote_addr: '203.0.113.7',
      method: 'GET',
      path: '/search?q=a%20b',
      protocol: 'HTTP/1.1',
      status: 200,
      bytes_sent: 5120,
      request_time: null,
      user_agent: 'Mozilla/5.0 (X11; Linux) "q"',
      referer: 'https://example.com/',
      session_id: null,
      host: null,
      x_forwarded_for: null,
      upstream_response_time: null,
      source: 'web-1',
      extra: { remote_user: 'alice' },
    });
  });

  it('main adds $http_x_forwarded_for', () => {
    const line = `${COMBINED_LINE} "198.51.100.1, 10.0.0.1"`;
    expect(fields('main', line).http_x_forwarded_for).toBe('198.51.100.1, 10.0.0.1');
  });
});

describe('rejections name the first field that failed', () => {
  it.each([
    [
      'a missing closing quote',
      '1.2.3.4 - - [10/Jan/2025:14:31:02 +0000] "GET / HTTP/1.1" 200 1 "-" "curl',
      '$http_user_agent: missing closing quote for the value that starts at column 70',
    ],
    [
      'an unterminated request',
      '1.2.3.4 - - [10/Jan/2025:14:31:02 +0000] "GET /',
      '$request: missing closing quote for the value that starts at column 43',
    ],
    ['a truncated time', '1.2.3.4 - - [10/Jan/2025:14:31', '$time_local: line ends at column 31'],
    [
      'a bad status',
      '1.2.3.4 - - [10/Jan/2025:14:31:02 +0000] "GET / HTTP/1.1" abc 1 "-" "x"',
      'status: expected',
    ],
    [
      'a bad address',
      'nope - - [10/Jan/2025:14:31:02 +0000] "GET / HTTP/1.1" 200 1 "-" "x"',
      'remote_addr: not an IPv4/IPv6',
    ],
    [
      'a bad time',
      '1.2.3.4 - - [99/Jan/2025:14:31:02 +0000] "GET / HTTP/1.1" 200 1 "-" "x"',
      'time_local: expected',
    ],
    [
      'text after the format, not after a blank',
      '1.2.3.4 - - [10/Jan/2025:14:31:02 +0000] "GET / HTTP/1.1" 200 1 "-" "x"extra',
      '$http_user_agent: unexpected text after the format at column 72: "extra"',
    ],
    [
      'an appended quoted field that never closes',
      '1.2.3.4 - - [10/Jan/2025:14:31:02 +0000] "GET / HTTP/1.1" 200 1 "-" "x" "open',
      'combined appended field 1: missing closing quote for the value that starts at column 74',
    ],
  ])('%s', (_label, line, expected) => {
    expect(reason('combined', line)).toContain(expected);
  });

  it('a log_format string stays strict: text after its end is a reject', () => {
    const spec = '$remote_addr "$http_user_agent"';
    expect(reason(spec, '1.2.3.4 "x" "extra"')).toBe(
      '$http_user_agent: unexpected text after the format at column 12: " \\"extra\\""',
    );
  });

  it('a missing separator names the value it should end; a missing prefix the value it precedes', () => {
    expect(reason('$remote_addr [$time_local] $status', '1.2.3.4 10/Jan/2025:14:31:02 +0000] 200')).toBe(
      '$remote_addr: expected " [" after the value that starts at column 1',
    );
    expect(reason('<$remote_addr>', '1.2.3.4')).toBe('$remote_addr: expected "<" at column 1, got "1"');
  });
});

describe('log_format compilation', () => {
  it('accepts braced variables, any case, and text around variables', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: nginx's braced variable syntax, not a JS template.
    const parsed = fields('${Remote_Addr}|${status}x$request_time', '10.0.0.1|404x0.250');
    expect(parsed).toEqual({ remote_addr: '10.0.0.1', status: '404', request_time: '0.250' });
  });

  it('splits variables written back to back by what their values can hold', () => {
    expect(fields('$scheme://$host$request_uri $status', 'https://example.com:8443/a/b?c=d 200')).toEqual({
      scheme: 'https',
      host: 'example.com:8443',
      request_uri: '/a/b?c=d',
      status: '200',
    });
    const uri = '"$request_method $uri$is_args$args $server_protocol" $status';
    expect(fields(uri, '"GET /x?y=1 HTTP/1.1" 200')).toEqual({
      request_method: 'GET',
      uri: '/x',
      args: 'y=1',
      server_protocol: 'HTTP/1.1',
      status: '200',
    });
    // Without a query nginx writes nothing for $is_args and "-" for $args: "/x-".
    expect(fields(uri, '"GET /x- HTTP/1.1" 200')).toEqual({
      request_method: 'GET',
      uri: '/x',
      server_protocol: 'HTTP/1.1',
      status: '200',
    });
    expect(fields(`escape=json ${uri}`, '"GET /x- HTTP/1.1" 200')).toMatchObject({ uri: '/x-' });
  });

  it('reads unquoted upstream lists whole', () => {
    const parsed = fields(
      '$status urt=$upstream_response_time ua=$upstream_addr end',
      '502 urt=0.001, 0.002 : 0.003 ua=10.0.0.1:80, unix:/tmp/s : 10.0.0.2:80 end',
    );
    expect(parsed).toEqual({
      status: '502',
      upstream_response_time: '0.001, 0.002 : 0.003',
      upstream_addr: '10.0.0.1:80, unix:/tmp/s : 10.0.0.2:80',
    });
  });

  it('keeps $bytes_sent beside the body size, drops $is_args and a repeated variable', () => {
    expect(fields('$body_bytes_sent $bytes_sent $status $status', '3 145 200 200')).toEqual({
      body_bytes_sent: '3',
      bytes_sent: '145',
      status: '200',
    });
    expect(fields('$bytes_sent', '145')).toEqual({ bytes_sent: '145' });
  });

  it('skips escaped quotes in escape=json values', () => {
    const parsed = fields('escape=json "$http_user_agent" "$http_referer"', '"a \\"b\\" c\\\\" "r\\u0001"');
    expect(parsed).toEqual({ http_user_agent: 'a "b" c\\', http_referer: 'r\u0001' });
  });

  it('anchors the last value at the end of the line with escape=none, so raw quotes survive', () => {
    expect(fields('escape=none $status "$http_user_agent"', '200 "say "hi" \\x22"')).toEqual({
      status: '200',
      http_user_agent: 'say "hi" \\x22',
    });
  });

  it('accepts the quoted strings of nginx.conf as they stand', () => {
    const spec = `escape=json '$remote_addr "$request" '\n    "\\"$http_user_agent\\" \\'q\\'"`;
    const parser = compileLogFormat(spec);
    expect(parser.escape).toBe('json');
    expect(parser.literals).toEqual(['', ' "', '" "', `" 'q'`]);
    expect(toLogFormatSpec('none', "'lead")).toBe("escape=none '\\'lead'");
    expect(parseLogFormatSpec(toLogFormatSpec('none', "'lead")).format).toBe("'lead");
  });

  it.each([
    ['$status $', 9, '"$" must be followed by a variable name'],
    ['$status $-x', 9, '"$" must be followed by a variable name'],
    ['$status ${request', 9, 'the closing } of "${request" is missing'],
    ['$foo$status', 5, '$foo is followed directly by $status'],
    ['escape=yaml $status', 8, 'unknown escape="yaml"'],
    ['escape=json   ', 15, 'the log_format string is empty'],
    ['escape=json no variables', 1, 'no $variables'],
    ["'$status' x", 11, 'expected a quoted string'],
    ["'$status", 1, "missing closing '"],
    ["'a''$status'", 4, 'expected a blank between quoted strings'],
    ["  '$status' '$foo$bar'", 18, '$foo is followed directly by $bar'],
  ])('rejects %j at position %i', (spec, position, message) => {
    const error = compileError(spec);
    expect(error.position).toBe(position);
    expect(error.message).toContain(message);
  });

  it('rejects a spec longer than 8 KiB', () => {
    expect(compileError(`$status ${'x'.repeat(9000)}`).message).toMatch(/longer than 8192/);
  });
});

describe('escape decoding', () => {
  it('decodes \\xHH to bytes, then UTF-8', () => {
    expect(decodeNginxEscapes('caf\\xC3\\xA9 \\x22q\\x22 \\x5Cx41')).toBe('café "q" \\x41');
  });

  it('keeps the escaped text when the bytes are not UTF-8', () => {
    expect(decodeNginxEscapes('/caf\\xE9')).toBe('/caf\\xE9');
  });

  it('leaves a backslash that starts no escape alone', () => {
    expect(decodeNginxEscapes('a\\xZZ')).toBe('a\\xZZ');
    expect(decodeJsonEscapes('a\\q')).toBe('a\\q');
    expect(decodeJsonEscapes('tab\\t\\u00e9')).toBe('tab\té');
  });

  it('the json format also reads a JSON-shaped format logged with escape=default', () => {
    const line =
      '{"ts":"2025-01-10T14:31:02+00:00","user_agent":"a \\x22b\\x22 caf\\xC3\\xA9","path":"/\\xE9"}';
    expect(fields('json', line)).toMatchObject({ user_agent: 'a "b" café', path: '/\\xE9' });
  });
});
