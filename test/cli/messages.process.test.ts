/**
 * What a new user meets in the first hour, as real processes: the version, a pipe into `head`, a
 * mistyped or empty lake, tokens that are too short, an environment variable with a bad value, and the
 * old `--storage` name. Each failure is one line that says what to do, with a non-zero exit.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/accesslake.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'accesslake-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ACCESSLAKE_')));
  return spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    cwd: dir,
    env: { ...clean, ...env },
  });
}

describe('accesslake: messages that are true', () => {
  it('prints its version', () => {
    const result = cli(['--version']);
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(result.stdout).toBe(`accesslake ${version}\n`);
    expect(result.status).toBe(0);
  });

  it('stops quietly when the reader of its output goes away (| head)', () => {
    const result = spawnSync(
      'bash',
      [
        '-c',
        `"${process.execPath}" "${BIN}" gen --count 20000 --start 2025-01-10T14:00:00Z | head -1 >/dev/null; echo "rc=\${PIPESTATUS[0]}" >&2`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.stderr).not.toMatch(/EPIPE|node:events|throw er/);
    expect(result.stderr).toMatch(/rc=0\n$/);
  });

  it('query and report on a mistyped lake say the folder does not exist, and fail', () => {
    const missing = join(dir, 'mistyped');
    const query = cli(['query', '--lake', missing, '--named', 'top-paths']);
    expect(query.status).toBe(1);
    expect(query.stdout).toBe('');
    expect(query.stderr).toBe(
      `accesslake query: the lake folder ${missing} (--lake) does not exist: pass --lake with the folder that accesslake serve or up writes\n`,
    );
    const report = cli(['report', '--lake', missing, '--period', 'weekly']);
    expect(report.status).toBe(1);
    expect(report.stderr).toMatch(/^accesslake report: the lake folder .*mistyped \(--lake\) does not exist/);
  });

  it('query on a lake folder without data says it holds no data, and fails', () => {
    const empty = join(dir, 'empty-lake');
    mkdirSync(join(empty, 'access_logs'), { recursive: true });
    const result = cli(['query', 'SELECT count(*) FROM access_logs'], { ACCESSLAKE_LAKE: empty });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^accesslake query: the lake folder .*empty-lake \(ACCESSLAKE_LAKE\) holds no data/,
    );
  });

  it('serve refuses short tokens with a suggestion that works, and names the env var of a bad value', () => {
    const none = cli(['serve', '--lake', join(dir, 'lake')]);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/no ingest token: .*e\.g\. ACCESSLAKE_TOKENS=\$\(openssl rand -hex 16\)/);
    const short = cli(['serve', '--lake', join(dir, 'lake')], { ACCESSLAKE_TOKENS: 't1,t2' });
    expect(short.status).toBe(1);
    expect(short.stderr).toMatch(
      /^accesslake serve: ACCESSLAKE_TOKENS: every ingest token must be at least 8 characters long/,
    );
    const port = cli(['serve', '--lake', join(dir, 'lake')], {
      ACCESSLAKE_TOKENS: 'a-long-token-1',
      ACCESSLAKE_PORT: 'abc',
    });
    expect(port.status).toBe(1);
    expect(port.stderr).toMatch(/^accesslake serve: ACCESSLAKE_PORT: /);
  });

  it('provision takes --lake, and --storage with a deprecation note', () => {
    const lake = cli(['provision', '--lake', 's3://my-bucket/logs', '--print-ddl']);
    expect(lake.status).toBe(0);
    expect(lake.stdout).toContain("LOCATION 's3://my-bucket/logs/access_logs/'");
    expect(lake.stderr).toBe('');
    const storage = cli(['provision', '--storage', 's3://my-bucket/logs', '--print-ddl']);
    expect(storage.status).toBe(0);
    expect(storage.stdout).toBe(lake.stdout);
    expect(storage.stderr).toBe(
      'accesslake provision: --storage is deprecated: use --lake (the same folder or s3://bucket/prefix)\n',
    );
    const env = cli(['provision', '--print-ddl'], { ACCESSLAKE_STORAGE: 's3://my-bucket/logs' });
    expect(env.stdout).toBe(lake.stdout);
    expect(env.stderr).toMatch(/ACCESSLAKE_STORAGE is deprecated: use ACCESSLAKE_LAKE/);
  });
});
