/**
 * Property tests: a random record rendered the way nginx writes it (combined, main, a custom format with
 * upstream lists, the repo's JSON format) parses and normalizes back to the same record.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CompiledLogFormat,
  compileLogFormat,
  decodeJsonEscapes,
  decodeNginxEscapes,
  type EscapeMode,
  escapeValue,
  formatTimeLocal,
  renderLogLine,
  resolveLineParser,
} from '../../formats/index.ts';
import { readNginxConf } from '../../formats/nginx-conf/index.ts';
import { normalizeFields } from '../../ingest/records/normalize.ts';
import type { CanonicalRecord } from '../../lake-contract/index.ts';

const REPO = resolve(import.meta.dirname, '../..');
const CUSTOM =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for" rt=$request_time uct="$upstream_connect_time" urt=$upstream_response_time';

/** Any text without lone surrogates (nginx logs bytes; UTF-8 cannot carry a lone surrogate). */
const text = fc.string({ unit: 'binary', maxLength: 40 });
const optionalText = fc.option(text, { nil: undefined });
const seconds = fc.integer({ min: 946_684_800, max: 4_102_444_799 });
const decimal = fc.integer({ min: 0, max: 99_999 }).map((ms) => (ms / 1000).toFixed(3));
const upstreamList = fc
  .tuple(fc.array(decimal, { minLength: 1, maxLength: 3 }), fc.constantFrom(', ', ' : '))
  .map(([items, separator]) => items.join(separator));

const requestArb = fc.record({
  remote_addr: fc.oneof(fc.ipV4(), fc.ipV6()),
  epochMs: seconds.map((s) => s * 1000),
  extraMs: fc.integer({ min: 0, max: 999 }),
  offset: fc.constantFrom(-480, -210, 0, 60, 330, 345, 840),
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'PROPFIND'),
  // Any characters but a blank: the request line is split on blanks.
  path: text.map((s) => `/${s.replaceAll(' ', '')}`),
  protocol: fc.constantFrom('HTTP/1.0', 'HTTP/1.1', 'HTTP/2.0'),
  status: fc.integer({ min: 100, max: 599 }),
  bytes: fc.integer({ min: 0, max: 2 ** 40 }),
  referer: optionalText,
  user_agent: optionalText,
  x_forwarded_for: optionalText,
  request_time: decimal,
  upstream_connect_time: fc.option(upstreamList, { nil: undefined }),
  upstream_response_time: fc.option(upstreamList, { nil: undefined }),
});
type Request = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

/** nginx's `-` and an empty value both mean "absent". */
const absent = (value: string | undefined) =>
  value === undefined || value === '' || value === '-' ? null : value;

function nginxValues(r: Request): Record<string, string | undefined> {
  return {
    remote_addr: r.remote_addr,
    time_local: formatTimeLocal(r.epochMs, r.offset),
    request: `${r.method} ${r.path} ${r.protocol}`,
    status: String(r.status),
    body_bytes_sent: String(r.bytes),
    http_referer: r.referer,
    http_user_agent: r.user_agent,
    http_x_forwarded_for: r.x_forwarded_for,
    request_time: r.request_time,
    upstream_connect_time: r.upstream_connect_time,
    upstream_response_time: r.upstream_response_time,
  };
}

function expected(r: Request, format: CompiledLogFormat, ms = 0): Partial<CanonicalRecord> {
  const has = (name: string) => format.variables.includes(name);
  return {
    ts: new Date(r.epochMs + ms).toISOString(),
    remote_addr: r.remote_addr,
    method: r.method,
    path: r.path,
    protocol: r.protocol,
    status: r.status,
    bytes_sent: r.bytes,
    request_time: has('request_time') ? Number(r.request_time) : null,
    referer: absent(r.referer),
    user_agent: absent(r.user_agent),
    x_forwarded_for: has('http_x_forwarded_for') ? absent(r.x_forwarded_for) : null,
    upstream_response_time: has('upstream_response_time') ? absent(r.upstream_response_time) : null,
  };
}

function roundTrip(line: string, spec: string): CanonicalRecord {
  const fields = resolveLineParser(spec).parse(line);
  if (!fields.success) throw new Error(`${fields.error}\n${line}`);
  const record = normalizeFields(fields.data, 'prop');
  if (!record.success) throw new Error(`${record.error}\n${line}`);
  return record.data;
}

describe.each([
  ['combined', 'combined'],
  ['main', 'main'],
  ['custom', CUSTOM],
  ['custom, escape=json', `escape=json ${CUSTOM}`],
])('%s: render → parse → normalize gives the record back', (_label, spec) => {
  it('for any request', () => {
    const format = spec === 'combined' || spec === 'main' ? named(spec) : compileLogFormat(spec);
    fc.assert(
      fc.property(requestArb, (r) => {
        const record = roundTrip(renderLogLine(format, nginxValues(r)), spec);
        expect(record).toMatchObject(expected(r, format));
        if (format.variables.includes('upstream_connect_time')) {
          expect(record.extra?.upstream_connect_time).toBe(absent(r.upstream_connect_time) ?? undefined);
        }
      }),
      { numRuns: 300 },
    );
  });
});

function named(name: 'combined' | 'main'): CompiledLogFormat {
  return resolveLineParser(name) as CompiledLogFormat;
}

describe('json: the repo accesslake_json format', () => {
  let spec: string;
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'accesslake-json-format-'));
    await writeFile(join(dir, 'nginx.conf'), `http { include ${REPO}/nginx/accesslake-json.conf; }`);
    spec = (await readNginxConf(join(dir, 'nginx.conf'))).formats.get('accesslake_json')!.spec;
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through both the json parser and the compiled log_format', () => {
    const format = compileLogFormat(spec);
    expect(format.escape).toBe('json');
    fc.assert(
      fc.property(requestArb, fc.option(text, { nil: undefined }), (r, session) => {
        const at = new Date(r.epochMs + r.extraMs);
        const line = renderLogLine(format, {
          time_iso8601: at.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
          msec: (at.getTime() / 1000).toFixed(3),
          remote_addr: r.remote_addr,
          request_method: r.method,
          request_uri: r.path,
          server_protocol: r.protocol,
          status: String(r.status),
          body_bytes_sent: String(r.bytes),
          request_time: r.request_time,
          http_user_agent: r.user_agent,
          http_referer: r.referer,
          cookie_session: session,
          host: 'example.com',
          http_x_forwarded_for: r.x_forwarded_for,
          upstream_response_time: r.upstream_response_time,
        });
        const want = { ...expected(r, format, r.extraMs), session_id: absent(session), host: 'example.com' };
        expect(roundTrip(line, 'json')).toMatchObject(want);
        expect(roundTrip(line, spec)).toMatchObject(want);
      }),
      { numRuns: 300 },
    );
  });
});

describe('escaping', () => {
  it.each<EscapeMode>(['default', 'json'])('decodes what nginx escape=%s writes, for any text', (mode) => {
    const decode = mode === 'default' ? decodeNginxEscapes : decodeJsonEscapes;
    fc.assert(fc.property(text, (s) => decode(escapeValue(s, mode)) === s));
  });

  it('never throws on arbitrary lines, whatever the format', () => {
    const parsers = ['combined', 'main', CUSTOM, `escape=json ${CUSTOM}`, 's3', 'alb', 'json'].map((s) =>
      resolveLineParser(s),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (line) => {
        for (const parser of parsers) {
          const result = parser.parse(line);
          expect(typeof result.success).toBe('boolean');
        }
      }),
      { numRuns: 300 },
    );
  });
});
