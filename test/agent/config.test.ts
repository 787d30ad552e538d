import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { ConfigError } from '../../lib/errors/index.ts';
import { resolveAgentConfig } from '../../shipper-agent/config.ts';
import { resolveAgentOptions } from '../../shipper-agent/options.ts';
import { test } from './fixtures.ts';

const base = { endpoint: 'http://127.0.0.1:8080', token: 'secret-token' };

describe('agent configuration', () => {
  test('flags win over environment variables, units are parsed', async () => {
    const { options, logLevel } = await resolveAgentConfig(
      { file: ['/var/log/nginx/access.log'], 'batch-age': '1s', 'batch-bytes': '1MiB', token: 'from-flag' },
      {
        ACCESSLAKE_ENDPOINT: 'http://ingest:8080',
        ACCESSLAKE_TOKEN: 'from-env',
        ACCESSLAKE_STATE_DIR: '/tmp/state',
        ACCESSLAKE_BATCH_LINES: '5000',
        ACCESSLAKE_LOG_LEVEL: 'debug',
        ACCESSLAKE_FORMAT: 'combined',
      },
    );
    expect(options).toMatchObject({
      files: ['/var/log/nginx/access.log'],
      endpoint: 'http://ingest:8080',
      token: 'from-flag',
      stateDir: '/tmp/state',
      batchAgeMs: 1000,
      batchBytes: 1024 * 1024,
      batchLines: 5000,
      format: 'combined',
    });
    expect(logLevel).toBe('debug');
  });

  test('files come from ACCESSLAKE_AGENT_FILES, comma-separated', async () => {
    const { options } = await resolveAgentConfig(
      {},
      { ...env(), ACCESSLAKE_AGENT_FILES: '/a.log, /b/*.log' },
    );
    expect(options.files).toEqual(['/a.log', '/b/*.log']);
  });

  test('a missing endpoint, token or file is one clear line', async () => {
    await expect(resolveAgentConfig({ file: ['/a.log'] }, {})).rejects.toThrow(
      /no ingest endpoint: pass --endpoint URL or set ACCESSLAKE_ENDPOINT/,
    );
    await expect(resolveAgentConfig({ file: ['/a.log'], endpoint: base.endpoint }, {})).rejects.toThrow(
      /no token/,
    );
    await expect(resolveAgentConfig({}, env())).rejects.toThrow(/no log file: pass --file PATH/);
  });

  test('--token-file keeps the token out of the process list', async ({ dir }) => {
    const file = join(dir, 'token');
    await writeFile(file, 'from-file-token\n');
    const { options } = await resolveAgentConfig(
      { file: ['/a.log'], endpoint: base.endpoint, 'token-file': file },
      {},
    );
    expect(options.token).toBe('from-file-token');
    await expect(
      resolveAgentConfig({ file: ['/a.log'], endpoint: base.endpoint, 'token-file': join(dir, 'nope') }, {}),
    ).rejects.toThrow(/--token-file: cannot read/);
  });

  test('--nginx-conf gives every access_log file with its own format; $variables become globs', async ({
    dir,
  }) => {
    const conf = join(dir, 'nginx.conf');
    await writeFile(
      conf,
      `http {
  log_format main '$remote_addr - $remote_user [$time_local] "$request" '
                  '$status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"';
  access_log /var/log/nginx/access.log main;
  server { access_log /var/log/nginx/$host.log combined; }
  server { access_log syslog:server=unix:/dev/log; }
}
`,
    );
    const { options, warnings } = await resolveAgentConfig({ 'nginx-conf': conf }, env());
    expect(options.files).toEqual([
      {
        path: '/var/log/nginx/access.log',
        format: expect.stringContaining('$http_x_forwarded_for'),
        formatReason: `access_log in ${conf}:4 uses log_format main`,
      },
      {
        path: '/var/log/nginx/*.log',
        format: 'combined',
        formatReason: `access_log in ${conf}:5 uses log_format combined`,
      },
    ]);
    expect(warnings.join('\n')).toMatch(/syslog/);
    // Every format the conf yields is one the agent (and so ingest) accepts.
    expect(() => resolveAgentOptions({ ...base, stateDir: dir, files: options.files })).not.toThrow();
  });

  test('with --format auto, nginx.conf at its standard path names the format of the files it logs to', async ({
    dir,
  }) => {
    const conf = join(dir, 'nginx.conf');
    const log = join(dir, 'access.log');
    const timed =
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time';
    await writeFile(conf, `http {\n  log_format timed '${timed}';\n  access_log ${log} timed;\n}\n`);
    const other = join(dir, 'other.log');
    const flags = { file: [log, other], endpoint: base.endpoint, token: base.token };
    const { options } = await resolveAgentConfig(flags, {}, conf);
    expect(options.files).toEqual([
      { path: log, format: timed, formatReason: `access_log in ${conf}:3 uses log_format timed` },
      other,
    ]);
    // The conf's log_formats are tried first on the files it does not name.
    expect(options.formatCandidates).toEqual([{ format: timed, origin: `log_format timed in ${conf}:2` }]);
    // An explicit --format, or no conf at the standard path, leaves the files alone.
    const explicit = await resolveAgentConfig({ ...flags, format: 'combined' }, {}, conf);
    expect(explicit.options.files).toEqual([log, other]);
    const none = await resolveAgentConfig(flags, {}, join(dir, 'missing.conf'));
    expect(none.options.files).toEqual([log, other]);
    expect(none.options.formatCandidates).toBeUndefined();
  });

  test('a bad value from the environment names the environment variable, not the flag', async () => {
    const flags = { file: ['/a.log'], endpoint: base.endpoint, token: base.token };
    const none = '/nonexistent/nginx.conf';
    await expect(resolveAgentConfig(flags, { ACCESSLAKE_BATCH_AGE: 'soon' }, none)).rejects.toThrow(
      /^ACCESSLAKE_BATCH_AGE: /,
    );
    await expect(resolveAgentConfig(flags, { ACCESSLAKE_GZIP_LEVEL: 'abc' }, none)).rejects.toThrow(
      /^ACCESSLAKE_GZIP_LEVEL: /,
    );
    await expect(resolveAgentConfig(flags, { ACCESSLAKE_LOG_LEVEL: 'loud' }, none)).rejects.toThrow(
      /^ACCESSLAKE_LOG_LEVEL: /,
    );
    await expect(
      resolveAgentConfig({ ...flags, 'gzip-level': 'abc' }, { ACCESSLAKE_GZIP_LEVEL: '1' }, none),
    ).rejects.toThrow(/^--gzip-level: /);
  });

  test('an nginx.conf without a file access_log says what to add', async ({ dir }) => {
    const conf = join(dir, 'nginx.conf');
    await writeFile(conf, 'http { access_log off; }\n');
    await expect(resolveAgentConfig({ 'nginx-conf': conf }, env())).rejects.toThrow(
      /has no access_log writing to a file/,
    );
  });
});

describe('agent options', () => {
  test('bad values name the setting', () => {
    const ok = { ...base, files: ['/a.log'], stateDir: '/tmp/s' };
    expect(() => resolveAgentOptions({ ...ok, endpoint: 'ingest:8080' })).toThrow(
      /--endpoint: .* must be an http/,
    );
    expect(() => resolveAgentOptions({ ...ok, format: 'apache' })).toThrow(
      /--format: unsupported log format "apache"/,
    );
    expect(() => resolveAgentOptions({ ...ok, source: 'web 1' })).toThrow(/--source/);
    expect(() => resolveAgentOptions({ ...ok, batchBytes: 10 })).toThrow(
      /--batch-bytes: 10 B is outside 1\.0 KiB–/,
    );
    // Durations are quoted as durations, as the user typed them, not as raw milliseconds.
    expect(() => resolveAgentOptions({ ...ok, batchAgeMs: 0 })).toThrow(
      /^--batch-age: 0ms is outside 100ms–1h$/,
    );
    expect(() => resolveAgentOptions({ ...ok, pollIntervalMs: 3_600_000 })).toThrow(
      /^--poll-interval: 1h is outside 10ms–10m$/,
    );
    expect(() => resolveAgentOptions({ ...ok, batchBytes: 4096, maxLineBytes: 8192 })).toThrow(
      /must be smaller than --batch-bytes/,
    );
    expect(() => resolveAgentOptions({ ...ok, gzipLevel: 0 })).toThrow(ConfigError);
  });

  test('defaults suit S3 and stay light: 8 MiB / 30 s batches, wire gzip level 1', () => {
    const o = resolveAgentOptions({ ...base, files: ['/a.log'], stateDir: '/tmp/s' });
    expect(o).toMatchObject({
      batchBytes: 8 * 1024 * 1024,
      batchAgeMs: 30_000,
      gzipLevel: 1,
      maxLineBytes: 64 * 1024,
      format: 'auto',
    });
    expect(o.files).toEqual([{ path: '/a.log', format: 'auto' }]);
    // Small batches bring the line cap down with them.
    expect(
      resolveAgentOptions({ ...base, files: ['/a.log'], stateDir: '/tmp/s', batchBytes: 4096 }).maxLineBytes,
    ).toBe(2048);
  });
});

function env() {
  return { ACCESSLAKE_ENDPOINT: base.endpoint, ACCESSLAKE_TOKEN: base.token };
}
