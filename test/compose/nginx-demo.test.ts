/**
 * The compose nginx config run for real (Debian nginx on 127.0.0.1), driven by `accesslake gen --url`:
 * the log it writes must be the accesslake JSON format the ingest reads, with the generated clients'
 * addresses (realip from X-Forwarded-For) and the status mix the config promises.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveLineParser } from '../../formats/index.ts';
import { freePort } from '../../harness/index.ts';
import { normalizeFields } from '../../ingest/records/normalize.ts';

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'accesslake-nginx-demo-'));
const accessLog = join(dir, 'access.log');
let nginx: ChildProcess | undefined;
let port = 0;

beforeAll(async () => {
  if (spawnSync('sh', ['-c', 'command -v nginx']).status !== 0)
    throw new Error('nginx is not installed: apt-get install -y nginx (listed in .ci/apt-packages.txt)');
  port = await freePort();
  // The compose config as it is, with its paths moved into a temp folder and the port made free.
  const conf = readFileSync(`${root}nginx/nginx.conf`, 'utf8')
    .replace('/etc/nginx/accesslake-json.conf', `${root}nginx/accesslake-json.conf`)
    .replace('/var/log/accesslake/access.log', accessLog)
    .replace('/var/log/nginx/error.log', join(dir, 'error.log'))
    .replace('/tmp/nginx.pid', join(dir, 'nginx.pid'))
    .replace('listen 80 default_server;', `listen 127.0.0.1:${port} default_server;`);
  writeFileSync(join(dir, 'nginx.conf'), conf);
  nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not start: ${readFileSync(join(dir, 'error.log'), 'utf8')}`);
});

afterAll(async () => {
  if (nginx?.pid && nginx.exitCode === null) {
    const exited = new Promise((r) => nginx!.once('exit', r));
    process.kill(nginx.pid, 'SIGQUIT');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('nginx/nginx.conf driven by accesslake gen --url', () => {
  it('logs every request in the accesslake JSON format, with the generated clients and statuses', () => {
    const gen = spawnSync(
      process.execPath,
      [
        `${root}bin/accesslake.mjs`,
        'gen',
        '--url',
        `http://127.0.0.1:${port}`,
        '--rate',
        '150',
        '--count',
        '400',
        '--seed',
        '3',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(gen.stderr).toMatch(
      /sent 400 requests to http:\/\/127\.0\.0\.1:\d+\/ in [\d.]+ s, seed 3: 2xx \d+/,
    );
    expect(gen.status).toBe(0);

    const lines = readFileSync(accessLog, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(400);
    const parser = resolveLineParser('json');
    const records = lines.map((line) => {
      const fields = parser.parse(line);
      if (!fields.success) throw new Error(fields.error);
      const record = normalizeFields(fields.data, 'nginx-demo');
      if (!record.success) throw new Error(`${record.error}: ${line}`);
      return record.data;
    });
    // realip: $remote_addr is the generated client from X-Forwarded-For, not the loopback peer.
    const addresses = new Set(records.map((r) => r.remote_addr));
    expect(addresses.size).toBeGreaterThan(20);
    expect(addresses.has('127.0.0.1')).toBe(false);
    expect(records.some((r) => r.remote_addr.includes(':'))).toBe(true);
    const statuses = new Set(records.map((r) => r.status));
    for (const status of [200, 404]) expect(statuses).toContain(status);
    expect(records.some((r) => r.session_id !== null)).toBe(true);
    expect(records.some((r) => r.path?.includes('?'))).toBe(true);
    expect(records.every((r) => r.ts.length === 24 && r.request_time !== null)).toBe(true);
  });
});
