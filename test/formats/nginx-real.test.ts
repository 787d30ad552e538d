/**
 * Real nginx output, parsed the way ingest parses a batch. One nginx writes the same requests to seven
 * access logs (combined, main, the repo's accesslake_json, a custom format with upstream timings, a text
 * format with escape=json, one with escape=none and one logging `$uri$is_args$args`); the formats are
 * read back from the generated nginx.conf with readNginxConf, as `accesslake agent --nginx-conf` does.
 */

import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect as http2Connect } from 'node:http2';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveLineParser } from '../../formats/index.ts';
import { readNginxConf } from '../../formats/nginx-conf/index.ts';
import { freePort } from '../../harness/index.ts';
import { parseBatchLines } from '../../ingest/batch/parse-lines.ts';
import type { CanonicalRecord } from '../../lake-contract/index.ts';
import { type NginxProcess, rawRequest, startNginx } from './nginx-server.ts';

const REPO = resolve(import.meta.dirname, '../..');
const LONG_PATH = `/long/${'a'.repeat(6000)}?q=${'b'.repeat(100)}`;
const ODD_UA = 'Mozilla/5.0 (X11) "quoted" back\\slash  two  spaces ünïcödé';
const utf8 = new TextDecoder();

let dir: string;
let nginx: NginxProcess | undefined;
let ports: { http: number; h2: number; up: number; dead: number };
let window: { from: number; to: number };
const logs = new Map<string, { spec: string; text: string }>();

function config(): string {
  const d = dir;
  return [
    process.getuid?.() === 0 ? 'user root;' : '',
    'worker_processes 1;',
    `pid ${d}/nginx.pid;`,
    'events { worker_connections 64; }',
    'http {',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${d}/tmp/${t};`),
    `  include ${REPO}/nginx/accesslake-json.conf;`,
    '  log_format main \'$remote_addr - $remote_user [$time_local] "$request" \'',
    '                  \'$status $body_bytes_sent "$http_referer" \'',
    '                  \'"$http_user_agent" "$http_x_forwarded_for"\';',
    '  log_format timed \'$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for" \'',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: nginx's braced variable syntax, not a JS template.
    '                   \'rt=$request_time uct="$upstream_connect_time" urt=$upstream_response_time ua=$upstream_addr us=$upstream_status ${msec} $host$request_uri sid=$cookie_session\';',
    '  log_format jtext escape=json \'$remote_addr [$time_iso8601] "$request" $status $bytes_sent $body_bytes_sent "$http_user_agent" "$http_referer"\';',
    '  log_format uriargs \'$remote_addr [$time_local] "$request_method $scheme://$host$uri$is_args$args $server_protocol" $status $body_bytes_sent "$http_user_agent" "$http_referer"\';',
    '  log_format raw escape=none \'$remote_addr [$time_local] "$request" $status $body_bytes_sent "$http_user_agent"\';',
    `  access_log ${d}/combined.log;`,
    `  access_log ${d}/main.log main;`,
    `  access_log ${d}/json.log accesslake_json;`,
    `  access_log ${d}/timed.log timed;`,
    `  access_log ${d}/jtext.log jtext;`,
    `  access_log ${d}/raw.log raw;`,
    `  access_log ${d}/uriargs.log uriargs;`,
    '  large_client_header_buffers 4 16k;',
    // The dead server is always tried first, so /up/ logs a two-entry upstream list.
    `  upstream backend { server 127.0.0.1:${ports.dead} max_fails=0; server 127.0.0.1:${ports.up} backup; }`,
    '  server {',
    `    listen 127.0.0.1:${ports.http};`,
    `    listen 127.0.0.1:${ports.h2} http2;`,
    '    server_name test.local;',
    '    location / { return 200 "ok\\n"; }',
    '    location /up/ { proxy_pass http://backend; proxy_next_upstream error; }',
    '  }',
    `  server { listen 127.0.0.1:${ports.up}; access_log off; location / { return 200 "upstream\\n"; } }`,
    '}',
  ].join('\n');
}

function get(path: string, headers: Record<string, string> = {}, version = 'HTTP/1.1'): string {
  const lines = [`GET ${path} ${version}`, 'Host: test.local', 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function h2Get(port: number, path: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const session = http2Connect(`http://127.0.0.1:${port}`);
    session.once('error', reject);
    const stream = session.request({ ':path': path, ':authority': 'test.local', 'user-agent': 'node-h2' });
    stream.resume();
    stream.once('error', reject);
    stream.once('end', () => session.close(() => resolvePromise()));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'accesslake-nginx-formats-'));
  await mkdir(join(dir, 'tmp'));
  ports = { http: await freePort(), h2: await freePort(), up: await freePort(), dead: await freePort() };
  nginx = await startNginx(dir, config(), ports.http);

  window = { from: Date.now() - 1000, to: 0 };
  const send = (request: string) => rawRequest(ports.http, request);
  await send(get('/plain?x=1', { 'User-Agent': 'curl/8.4.0' }));
  await send(
    get('/ua-odd', {
      'User-Agent': Buffer.from(ODD_UA, 'utf8').toString('latin1'),
      Referer: 'https://ref.example/p?q=1',
      'X-Forwarded-For': '203.0.113.9, 10.0.0.2',
      Cookie: 'session=abc123; other=1',
    }),
  );
  await send(get(LONG_PATH, { 'User-Agent': 'long' }));
  await send(get('/caf\xE9/\xFF', { 'User-Agent': 'bad\xFF\xFEua' }));
  await h2Get(ports.h2, '/h2?via=h2c');
  await send(get('/up/list', { 'User-Agent': 'up' }));
  // Requests nginx logs but cannot parse (issue 21): a TLS ClientHello, no bytes at all, binary junk.
  const sendAndClose = (request: Uint8Array | string) => rawRequest(ports.http, request, { halfClose: true });
  await sendAndClose(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 0x61]));
  // A connection closed without a byte is not logged; blank lines are, as the empty request `""`.
  await sendAndClose('\r\n\r\n');
  await sendAndClose(Buffer.from(']&\xDF\xBDV\xE7\xBB<\x10;\xA2b}\xDFM\x1D\r\n', 'latin1'));
  // Request lines with blanks (issue 15): nginx 1.22 answers 400 to blanks in the URI and still logs
  // them; it skips a second blank before the URI; an absolute-form target gives $host and $request_uri.
  await send(get('/blank?x=a b', { 'User-Agent': 'blank' }));
  await send(
    `GET  /double-space HTTP/1.1\r\nHost: test.local\r\nUser-Agent: double\r\nConnection: close\r\n\r\n`,
  );
  await send(get('http://Abs.Example:8080/absolute?q=1', { 'User-Agent': 'abs' }));
  await send(get('/old', { 'User-Agent': 'old' }, 'HTTP/1.0'));
  await nginx.stop();
  nginx = undefined;
  window.to = Date.now() + 1000;

  const conf = await readNginxConf(join(dir, 'nginx.conf'), { prefix: dir });
  for (const log of conf.accessLogs) {
    const name = log.path.slice(dir.length + 1, -'.log'.length);
    // Ingest decodes each batch body as UTF-8 before parsing; read the files the same way.
    logs.set(name, { spec: log.spec, text: utf8.decode(await readFile(log.path)) });
  }
}, 30_000);

afterAll(async () => {
  await nginx?.stop();
  if (dir && !process.env.KEEP_NGINX_DIR) await rm(dir, { recursive: true, force: true });
});

function parsed(name: string) {
  const log = logs.get(name);
  if (!log) throw new Error(`no ${name}.log in the nginx.conf read back`);
  return parseBatchLines(log.text, resolveLineParser(log.spec), 'test');
}

function byPath(records: CanonicalRecord[], prefix: string): CanonicalRecord {
  const found = records.find((r) => r.path?.startsWith(prefix));
  if (!found)
    throw new Error(`no record for ${prefix}; paths: ${records.map((r) => r.path?.slice(0, 40)).join(' ')}`);
  return found;
}

const FORMATS = ['combined', 'main', 'json', 'timed', 'jtext', 'raw', 'uriargs'] as const;
// escape=default keeps bytes that are not UTF-8 as nginx wrote them; the other modes write raw bytes,
// which ingest's UTF-8 decoding turns into U+FFFD.
const BAD_BYTES_PATH = {
  combined: '/caf\\xE9/\\xFF',
  main: '/caf\\xE9/\\xFF',
  timed: '/caf\\xE9/\\xFF',
  uriargs: '/caf\\xE9/\\xFF',
  json: '/caf\uFFFD/\uFFFD',
  jtext: '/caf\uFFFD/\uFFFD',
  raw: '/caf\uFFFD/\uFFFD',
} as const;

/** Formats that log `$request`, so a request nginx could not parse is kept in `extra.request`. */
const LOGS_REQUEST = new Set(['combined', 'main', 'timed', 'jtext', 'raw']);

describe.each(FORMATS)('nginx %s access log', (name) => {
  it('accepts every line, the requests nginx could not parse included', () => {
    const { accepted, rejected } = parsed(name);
    expect(rejected).toEqual([]);
    expect(accepted).toHaveLength(13);
  });

  it('keeps a TLS handshake, an empty request and binary bytes with null request fields', () => {
    // Formats without $request also cannot read the request with blanks in its URI (nginx's 400 below).
    const bad = parsed(name).accepted.filter((r) => r.method === null);
    expect(bad).toHaveLength(LOGS_REQUEST.has(name) ? 3 : 4);
    for (const record of bad) {
      expect(record).toMatchObject({ remote_addr: '127.0.0.1', status: 400, path: null, protocol: null });
      expect(Date.parse(record.ts)).toBeGreaterThanOrEqual(window.from);
    }
    if (!LOGS_REQUEST.has(name)) return;
    const raw = bad.map((r) => r.extra?.request);
    expect(raw).toContain(undefined); // the empty request
    if (name === 'combined' || name === 'main' || name === 'timed') {
      expect(raw).toContain('\\x16\\x03\\x01\\x00\\xA5\\x01\\x00\\x00\\xA1\\x03\\x03a');
      expect(raw).toContain(']&\\xDF\\xBDV\\xE7\\xBB<\\x10;\\xA2b}\\xDFM\\x1D');
    } else expect(raw.filter((r) => r !== undefined)).toHaveLength(2);
  });

  it('reads blanks in the request line and absolute-form targets as $request_uri and $host hold them', () => {
    const { accepted } = parsed(name);
    // nginx answers 400 to blanks inside the URI and leaves $request_uri empty: formats that log only
    // $request_uri cannot know the path; the ones logging $request read it.
    // It is answered before its headers are read, so the user agent is not known either.
    if (LOGS_REQUEST.has(name)) {
      const blank = byPath(accepted, '/blank');
      expect(blank).toMatchObject({ method: 'GET', path: '/blank?x=a b', protocol: 'HTTP/1.1', status: 400 });
    }
    expect(accepted.find((r) => r.user_agent === 'double')).toMatchObject({
      method: 'GET',
      path: '/double-space',
      status: 200,
    });
    const abs = accepted.find((r) => r.user_agent === 'abs')!;
    expect(abs).toMatchObject({ path: '/absolute?q=1', status: 200 });
    if (name !== 'uriargs') expect(abs.host === null || abs.host === 'abs.example').toBe(true);
    if (LOGS_REQUEST.has(name) || name === 'json') expect(abs.host ?? 'abs.example').toBe('abs.example');
  });

  it('reads time, client, request line, status, bytes and user agent', () => {
    const accepted = parsed(name).accepted.filter((r) => r.status === 200);
    for (const record of accepted) {
      expect(record.remote_addr).toBe('127.0.0.1');
      expect(Date.parse(record.ts)).toBeGreaterThanOrEqual(window.from);
      expect(Date.parse(record.ts)).toBeLessThanOrEqual(window.to);
      expect(record.status).toBe(200);
      expect(record.method).toBe('GET');
    }
    const plain = byPath(accepted, '/plain');
    expect(plain).toMatchObject({ path: '/plain?x=1', protocol: 'HTTP/1.1', bytes_sent: 3, referer: null });
    expect(plain.user_agent).toBe('curl/8.4.0');
    expect(byPath(accepted, '/old').protocol).toBe('HTTP/1.0');
    expect(byPath(accepted, '/h2')).toMatchObject({ path: '/h2?via=h2c', protocol: 'HTTP/2.0' });
    expect(byPath(accepted, '/long/').path).toBe(LONG_PATH);
  });

  it('decodes quotes, backslashes, spaces and UTF-8 in the user agent', () => {
    const odd = byPath(parsed(name).accepted, '/ua-odd');
    expect(odd.user_agent).toBe(ODD_UA);
    if (name !== 'raw') expect(odd.referer).toBe('https://ref.example/p?q=1');
  });

  it('keeps bytes that are not UTF-8 without breaking the line', () => {
    const bad = byPath(parsed(name).accepted, '/caf');
    expect(bad.path).toBe(BAD_BYTES_PATH[name]);
  });
});

describe('format-specific fields from real nginx', () => {
  it('main and json carry X-Forwarded-For', () => {
    for (const name of ['main', 'json', 'timed'] as const) {
      expect(byPath(parsed(name).accepted, '/ua-odd').x_forwarded_for).toBe('203.0.113.9, 10.0.0.2');
    }
  });

  it('a custom format keeps upstream lists, msec precision, host and the session cookie', () => {
    const { accepted } = parsed('timed');
    const up = byPath(accepted, '/up/list');
    expect(up.upstream_response_time).toMatch(/^\d+\.\d{3}, \d+\.\d{3}$/);
    expect(up.extra).toMatchObject({
      upstream_addr: `127.0.0.1:${ports.dead}, 127.0.0.1:${ports.up}`,
      upstream_status: '502, 200',
    });
    expect(up.extra!.upstream_connect_time).toMatch(/^(-|\d+\.\d{3}), \d+\.\d{3}$/);
    expect(up.host).toBe('test.local');
    expect(up.request_time).toBeGreaterThanOrEqual(0);
    expect(accepted.some((r) => !r.ts.endsWith('.000Z'))).toBe(true);
    expect(byPath(accepted, '/ua-odd').session_id).toBe('abc123');
  });

  it('escape=json text keeps the body size as bytes_sent and the total in extra under its own name', () => {
    const plain = byPath(parsed('jtext').accepted, '/plain');
    expect(plain.bytes_sent).toBe(3);
    expect(Number(plain.extra!.bytes_sent)).toBeGreaterThan(3);
  });
});
