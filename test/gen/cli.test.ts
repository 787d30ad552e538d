import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/index.ts';

const BIN = new URL('../../bin/accesslake.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'accesslake-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function gen(...args: string[]) {
  return spawnSync(process.execPath, [BIN, 'gen', ...args], { encoding: 'utf8', timeout: 30_000 });
}

describe('accesslake gen (real process)', () => {
  it('backfills a log file with --start and --count, appending like nginx', () => {
    const file = join(dir, 'logs', 'access.log');
    const first = gen('--output', file, '--count', '300', '--seed', '5', '--start', '2025-01-10T14:00:00Z');
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(
      /^accesslake gen: wrote 300 lines \(json\) to .*access\.log in [\d.]+ s, seed 5: 2xx \d+/,
    );
    gen(
      '--output',
      file,
      '--count',
      '200',
      '--seed',
      '5',
      '--start',
      '2025-01-10T15:00:00Z',
      '--format',
      'combined',
    );
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(501);
    expect(lines[0]!.startsWith('{"ts":"2025-01-10T14:00:00+00:00"')).toBe(true);
    expect(lines[300]).toMatch(/^\S+ - - \[10\/Jan\/2025:15:00:00 \+0000\] "/);
  });

  it('paces realtime output by the clock and stops at --duration', () => {
    const file = join(dir, 'realtime.log');
    const started = Date.now();
    const result = gen('--output', file, '--rate', '40', '--duration', '1500ms', '--seed', '1');
    expect(result.status).toBe(0);
    const records = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msec: string });
    expect(records.length).toBeGreaterThan(20);
    expect(records.length).toBeLessThan(150);
    for (const r of records) {
      const ms = Number(r.msec) * 1000;
      expect(ms).toBeGreaterThanOrEqual(started - 1000);
      expect(ms).toBeLessThanOrEqual(Date.now());
    }
  });

  it('writes to stdout by default', () => {
    const result = gen('--count', '3', '--start', 'now-1h', '--format', 'main');
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(3);
  });

  it.each([
    [['--rate', '0'], /--rate: "0" is not a number of requests per second/],
    [['--duration', '48h'], /--duration: "48h" must be more than 0 and at most 24 h/],
    [['--format', '$remote_addr $nope'], /\$nope is not a variable the generator can fill/],
    [['--url', 'http://x', '--output', 'y'], /--url and --output exclude each other/],
    [['--url', 'ftp://x'], /must start with http:\/\/ or https:\/\//],
    [['--start', 'yesterday'], /--start: "yesterday" is not a time/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('explains bad input %j in one line', (args, message) => {
    const result = gen(...args);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('stops with one line when --url does not answer', async () => {
    const port = await freePort();
    const result = gen('--url', `http://127.0.0.1:${port}`, '--rate', '50', '--duration', '5s');
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      `accesslake gen: --url: http://127.0.0.1:${port} does not answer: start the server or fix the URL (cause: connect ECONNREFUSED 127.0.0.1:${port})`,
    );
  });
});
