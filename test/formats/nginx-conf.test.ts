import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveLineParser } from '../../formats/index.ts';
import { NginxConfSyntaxError, parseNginxConf, readNginxConf } from '../../formats/nginx-conf/index.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Writes `files` (relative path → text) into a fresh temp dir and returns it. */
async function confTree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'accesslake-nginx-conf-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

describe('readNginxConf', () => {
  it('follows glob includes relative to the main file and concatenates multi-line formats', async () => {
    const dir = await confTree({
      'nginx.conf': `
        user www-data;
        events { worker_connections 64; }
        http {
          include conf.d/*.conf;   # formats live here
          access_log /var/log/nginx/access.log;
          include sites-enabled/*;
        }`,
      'conf.d/formats.conf': `
        log_format timed '$remote_addr - $remote_user [$time_local] "$request" '
                         '$status $body_bytes_sent "$http_referer" '
                         "\\"$http_user_agent\\" rt=$request_time";
        log_format jsonish escape=json '{"ts":"$time_iso8601","status":$status}';`,
      'conf.d/.hidden.conf': 'this is not nginx syntax {',
      'sites-enabled/a': `
        server {
          listen 80;
          access_log logs/a.log timed buffer=32k flush=5s;
          location /health { access_log off; }
          location /api { access_log /var/log/nginx/api.json jsonish; }
        }`,
    });
    const conf = await readNginxConf(join(dir, 'nginx.conf'));

    expect(conf.files.map((f) => f.slice(dir.length))).toEqual([
      '/nginx.conf',
      '/conf.d/formats.conf',
      '/sites-enabled/a',
    ]);
    const timed = conf.formats.get('timed')!;
    expect(timed.format).toBe(
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time',
    );
    expect(timed.escape).toBe('default');
    expect(conf.formats.get('jsonish')!.spec).toBe('escape=json {"ts":"$time_iso8601","status":$status}');

    expect(conf.accessLogs.map(({ path, format, params }) => ({ path, format, params }))).toEqual([
      { path: '/var/log/nginx/access.log', format: 'combined', params: [] },
      { path: join(dir, 'logs/a.log'), format: 'timed', params: ['buffer=32k', 'flush=5s'] },
      { path: '/var/log/nginx/api.json', format: 'jsonish', params: [] },
    ]);
    expect(conf.disabled).toBe(1);
    // Every spec it hands out is one the format registry compiles.
    for (const log of conf.accessLogs) expect(resolveLineParser(log.spec).name).toBe(log.spec);
  });

  it('resolves relative access_log paths against the given prefix', async () => {
    const dir = await confTree({ 'nginx.conf': 'http { access_log logs/access.log; }' });
    const conf = await readNginxConf(join(dir, 'nginx.conf'), { prefix: '/srv/nginx' });
    expect(conf.accessLogs[0]!.path).toBe('/srv/nginx/logs/access.log');
  });

  it('finds a format defined after the access_log that uses it', async () => {
    const dir = await confTree({
      'nginx.conf': `http { server { access_log /l/x.log late; } log_format late '$remote_addr $status'; }`,
    });
    const conf = await readNginxConf(join(dir, 'nginx.conf'));
    expect(conf.accessLogs[0]!.spec).toBe('$remote_addr $status');
  });

  it('ignores stream and mail blocks, and warns about what cannot be tailed', async () => {
    const dir = await confTree({
      'nginx.conf': `
        stream { log_format tcp '$remote_addr $protocol'; access_log /var/log/nginx/tcp.log tcp; }
        http {
          access_log syslog:server=127.0.0.1 combined;
          access_log /dev/stdout;
          access_log /var/log/nginx/z.log.gz combined gzip=4;
          access_log /var/log/nginx/$host.log;
        }`,
    });
    const conf = await readNginxConf(join(dir, 'nginx.conf'));
    expect(conf.formats.has('tcp')).toBe(false);
    expect(conf.accessLogs.map((l) => [l.path, l.hasVariables])).toEqual([
      ['/var/log/nginx/z.log.gz', false],
      ['/var/log/nginx/$host.log', true],
    ]);
    expect(conf.warnings.join('\n')).toMatch(/syslog[\s\S]*not a file[\s\S]*gzip-compressed/);
  });

  it('warns when one file is written with two formats, keeping the first', async () => {
    const dir = await confTree({
      'nginx.conf': `http { log_format a '$remote_addr $status'; access_log /l/x.log; server { access_log /l/x.log a; } }`,
    });
    const conf = await readNginxConf(join(dir, 'nginx.conf'));
    expect(conf.accessLogs).toHaveLength(1);
    expect(conf.accessLogs[0]!.format).toBe('combined');
    expect(conf.warnings[0]).toMatch(/formats "combined" and "a"/);
  });

  it('names the file and line of an unknown format, a duplicate, a missing include and bad syntax', async () => {
    const unknown = await confTree({ 'nginx.conf': 'http {\n  access_log /l/x.log nope;\n}' });
    await expect(readNginxConf(join(unknown, 'nginx.conf'))).rejects.toThrow(
      /nginx\.conf:2: access_log \/l\/x\.log uses unknown log format "nope"/,
    );
    const duplicate = await confTree({ 'nginx.conf': "http { log_format combined '$status'; }" });
    await expect(readNginxConf(join(duplicate, 'nginx.conf'))).rejects.toThrow(
      /duplicate log_format name "combined"/,
    );
    const missing = await confTree({ 'nginx.conf': 'http { include extra.conf; }' });
    await expect(readNginxConf(join(missing, 'nginx.conf'))).rejects.toThrow(/cannot read .*extra\.conf/);
    const broken = await confTree({ 'nginx.conf': "http {\n  log_format x '$status;\n}\n" });
    await expect(readNginxConf(join(broken, 'nginx.conf'))).rejects.toThrow(NginxConfSyntaxError);
    await expect(readNginxConf(join(broken, 'nginx.conf'))).rejects.toThrow(/expecting closing ' in .*:2/);
  });

  it('stops an include loop', async () => {
    const dir = await confTree({ 'nginx.conf': 'include nginx.conf;' });
    await expect(readNginxConf(join(dir, 'nginx.conf'))).rejects.toThrow(/include loop/);
  });
});

describe('parseNginxConf (nginx tokenizer rules)', () => {
  it('unescapes quotes, backslashes and \\t \\r \\n in quoted and bare words', () => {
    const [d] = parseNginxConf(`x "a\\"b" 'c\\'d' e\\\\f "g\\th" "i\\qj";`, 't.conf');
    expect(d!.args).toEqual(['a"b', "c'd", 'e\\f', 'g\th', 'i\\qj']);
  });

  it('treats # as a comment only at the start of a word, and keeps braced variables in bare words', () => {
    const braced = `$${'{host}'}x`;
    const [d] = parseNginxConf(`x a#b ${braced} # comment ; not here\n;`, 't.conf');
    expect(d!.args).toEqual(['a#b', braced]);
  });

  it('keeps quoted strings spanning lines and nested blocks with line numbers', () => {
    const tree = parseNginxConf(
      "http {\n  log_format m 'a\nb';\n  server {\n    listen 80;\n  }\n}\n",
      't.conf',
    );
    const http = tree[0]!;
    expect(http.block!.map((d) => [d.name, d.line])).toEqual([
      ['log_format', 2],
      ['server', 4],
    ]);
    expect(http.block![0]!.args).toEqual(['m', 'a\nb']);
    expect(http.block![1]!.block![0]!.line).toBe(5);
  });

  it('rejects what nginx rejects, naming the line', () => {
    expect(() => parseNginxConf('x "a"b;', 't.conf')).toThrow(
      /unexpected "b" after a quoted string in t\.conf:1/,
    );
    expect(() => parseNginxConf('http {\n x;\n', 't.conf')).toThrow(/expecting "}" in t\.conf:1/);
    expect(() => parseNginxConf('x;\n}', 't.conf')).toThrow(/unexpected "}" in t\.conf:2/);
    expect(() => parseNginxConf('x y', 't.conf')).toThrow(/expecting ";" or "}"/);
  });
});
