/**
 * `accesslake up` as a real process: a bounded run ships every generated line into the lake and prints
 * the summary; Ctrl-C stops it cleanly; bad input gets one line saying how to fix it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/index.ts';

const BIN = new URL('../../bin/accesslake.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'accesslake-up-'));
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function up(args: string[], options: { cwd?: string; uid?: number } = {}) {
  // The dashboard's default port is fixed (8090): tests that do not test it leave it off, so that runs
  // in parallel (and anything else on this machine) never collide on it.
  const dashboard = args.includes('--dashboard-port') ? [] : ['--dashboard-port', 'off'];
  return spawnSync(process.execPath, [BIN, 'up', ...args, ...dashboard], {
    encoding: 'utf8',
    timeout: 60_000,
    cwd: options.cwd ?? dir,
    ...(options.uid === undefined
      ? {}
      : { uid: options.uid, gid: options.uid, env: { ...process.env, HOME: tmpdir() } }),
  });
}

/** Files the lake holds under its data prefix. */
function lakeObjects(lake: string): string[] {
  try {
    return (readdirSync(join(lake, 'access_logs'), { recursive: true }) as string[]).filter((f) =>
      f.endsWith('.jsonl.gz'),
    );
  } catch {
    return [];
  }
}

/** Processes whose command line mentions `needle` (the run's lake path): none may outlive `up`. */
function processesMentioning(needle: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((line) => line.includes(needle) && !line.includes('ps -eo'));
}

const count = (text: string) => Number(text.replaceAll(',', ''));

/** `stopped cleanly · this run: generated N lines · agent shipped M lines · 0 rejected · lake holds K records from this run · whole lake: T records` */
function finalAccount(stdout: string) {
  const m =
    /stopped cleanly · this run: generated ([\d,]+) lines? · agent shipped ([\d,]+) lines? · 0 rejected · lake holds ([\d,]+) records? from this run · whole lake: ([\d,]+) records?/.exec(
      stdout,
    );
  expect(m, stdout).not.toBeNull();
  return { generated: count(m![1]!), shipped: count(m![2]!), inLake: count(m![3]!), whole: count(m![4]!) };
}

describe('accesslake up (real processes)', () => {
  it('runs a bounded pipeline: every generated line lands in the lake once, with live summaries', async () => {
    const lake = join(dir, 'bounded-lake');
    const port = await freePort();
    const result = up([
      '--lake',
      lake,
      '--port',
      String(port),
      // The dashboard is checked in the Ctrl-C run; here the pipeline has the machine to itself.
      '--dashboard-port',
      'off',
      '--duration',
      '6s',
      '--interval',
      '2s',
      '--rate',
      '40',
      '--seed',
      '4',
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(new RegExp(`^accesslake up: ingest http://127\\.0\\.0\\.1:${port} → lake `));
    expect(out).not.toContain('dashboard');
    // Live summaries while running: shipped lines and lag, status classes, p95, top paths.
    expect(out).toMatch(/\[00:0[2-6]\] shipped [\d,]+ lines · rejected 0 · lag [\d.]+ (B|KiB) · /);
    expect(out).toMatch(/ 2xx [\d,]+ · 3xx [\d,]+ · 4xx [\d,]+ · 5xx [\d,]+ · p95 \d+ ms · p50 \d+ ms/);
    expect(out).toMatch(/ top \/\S* [\d,]+/);
    const { generated, shipped, inLake, whole } = finalAccount(out);
    // How many depends on how fast the generator starts on a busy machine; some always are.
    expect(generated).toBeGreaterThan(10);
    expect(shipped).toBe(generated);
    expect(inLake).toBe(generated);
    expect(whole).toBe(generated);
    expect(lakeObjects(lake).length).toBeGreaterThan(0);
    expect(processesMentioning(lake)).toEqual([]);

    // A second run on the same lake accounts for itself, and labels the whole lake apart.
    const again = up([
      '--lake',
      lake,
      '--port',
      String(await freePort()),
      '--duration',
      '6s',
      '--rate',
      '40',
    ]);
    expect(again.status, again.stdout + again.stderr).toBe(0);
    const second = finalAccount(again.stdout);
    expect(second.shipped).toBe(second.generated);
    expect(second.inLake).toBe(second.generated);
    expect(second.whole).toBe(generated + second.generated);
  });

  it('a run shorter than the agent takes to start still stops it cleanly, with every line shipped', async () => {
    // The agent's start (node, tsx, its modules) takes longer than 1 s: stopping it before its signal
    // handlers exist would kill it. The run's clock starts once the agent is up.
    const lake = join(dir, 'short-lake');
    const result = up([
      '--lake',
      lake,
      '--port',
      String(await freePort()),
      '--duration',
      '1s',
      '--rate',
      '40',
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const { generated, shipped, inLake } = finalAccount(result.stdout);
    expect(shipped).toBe(generated);
    expect(inLake).toBe(generated);
  });

  it('is loud about a wrong --format, and with the default (auto) ships the same log', async () => {
    const lake = join(dir, 'format-lake');
    const log = join(dir, 'demo.json');
    const gen = spawnSync(
      process.execPath,
      [BIN, 'gen', '--output', log, '--count', '121', '--seed', '3', '--start', 'now-1h'],
      { encoding: 'utf8' },
    );
    expect(gen.status).toBe(0);
    const wrong = up([
      '--lake',
      lake,
      '--port',
      String(await freePort()),
      '--file',
      log,
      '--format',
      'combined',
      '--duration',
      '4s',
      '--interval',
      '1s',
    ]);
    expect(wrong.status, wrong.stderr).toBe(0);
    // On screen, every summary: the rejects and the first reason, and the format that was used.
    expect(wrong.stdout).toMatch(/shipped 121 lines · rejected 121 · /);
    expect(wrong.stdout).toMatch(
      /REJECTED 121 lines \(format combined\), the first because \$remote_addr[^\n]*: is --format right\?/,
    );
    expect(wrong.stdout).toMatch(
      /stopped cleanly · this run: agent shipped 121 lines · REJECTED 121 lines \(first: [^)]+\): check --format, then `accesslake rejects replay --lake \S+ --format F` · lake holds 0 records from \S*demo\.json \(source up-file:demo\.json@\S+\)/,
    );

    const auto = up([
      '--lake',
      join(dir, 'auto-lake'),
      '--port',
      String(await freePort()),
      '--file',
      log,
      '--duration',
      '4s',
      '--interval',
      '1s',
    ]);
    expect(auto.status, auto.stderr).toBe(0);
    expect(auto.stdout).toMatch(/shipped 121 lines · rejected 0 · /);
    expect(auto.stdout).toMatch(
      /this run: agent shipped 121 lines · 0 rejected · lake holds 121 records from /,
    );
  });

  it('stops everything cleanly on Ctrl-C (SIGINT), shipping what was written', async () => {
    const lake = join(dir, 'sigint-lake');
    const port = await freePort();
    const dashboardPort = await freePort();
    const child: ChildProcess = spawn(
      process.execPath,
      [
        BIN,
        'up',
        '--lake',
        lake,
        '--port',
        String(port),
        '--dashboard-port',
        String(dashboardPort),
        '--interval',
        '1s',
        '--rate',
        '30',
      ],
      {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 40_000;
      while (!/\[00:0\d\] shipped [1-9][\d,]* lines/.test(stdout)) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`no summary: ${stdout}${stderr}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      // The dashboard runs beside the pipeline, over the same lake, and sees its records.
      // It boots beside ingest without holding the run up, so give it a bounded while to answer.
      let state: string | undefined;
      for (const until = Date.now() + 30_000; state !== 'ready' && Date.now() < until; ) {
        const config = await fetch(`http://127.0.0.1:${dashboardPort}/api/config`).catch(() => undefined);
        state = config?.ok ? ((await config.json()) as { state: string }).state : undefined;
        if (state !== 'ready') await new Promise((r) => setTimeout(r, 200));
      }
      expect(state).toBe('ready');
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    expect(stderr).toBe('');
    expect(stdout).toContain('accesslake up: stopping (generator, agent, ingest)…');
    // The dashboard's address, at the start and with every live summary.
    const dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
    expect(stdout.split('\n')[0]).toContain(` · dashboard ${dashboardUrl}`);
    expect(stdout).toMatch(new RegExp(` top .*\n {8}dashboard ${dashboardUrl.replaceAll('.', '\\.')}\n`));
    const { generated, shipped, inLake } = finalAccount(stdout);
    expect(shipped).toBe(generated);
    expect(inLake).toBe(generated);
    expect(processesMentioning(lake)).toEqual([]);
  });
});

describe('accesslake up: bad input, one line each', () => {
  it('compacts the closed hours of the lake it fills into Parquet, and still counts every record once', async () => {
    const lake = join(dir, 'lake-compact');
    const log = join(dir, 'old-access.log');
    // Two closed hours of a real log (old timestamps), tailed with --file.
    const lines = Array.from({ length: 120 }, (_, i) =>
      JSON.stringify({
        ts: new Date(Date.parse('2025-01-10T10:00:00Z') + i * 60_000).toISOString(),
        remote_addr: '203.0.113.9',
        method: 'GET',
        path: `/old/${i}`,
        protocol: 'HTTP/1.1',
        status: 200,
        bytes_sent: i,
        request_time: 0.01,
      }),
    );
    writeFileSync(log, `${lines.join('\n')}\n`);
    const port = await freePort();
    const result = up([
      '--port',
      String(port),
      '--lake',
      lake,
      '--file',
      log,
      // Long enough for the agent to start and ship on a busy machine before it is stopped.
      '--duration',
      '15s',
      '--interval',
      '1s',
      '--compact-every',
      '1s',
      '--dashboard-port',
      'off',
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/accesslake up: compacted 2 closed hours \(\d+ objects, 120 rows → /);
    const parquet = (
      readdirSync(join(lake, 'access_logs_compacted'), { recursive: true }) as string[]
    ).filter((f) => f.endsWith('.parquet'));
    expect(parquet).toHaveLength(2);
    expect(result.stdout).toMatch(/whole lake: 120 records \(all runs and sources\)/);
  });

  it('names a busy port and a free one to use instead', async () => {
    const port = await freePort();
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const result = up([
        '--port',
        String(port),
        '--lake',
        join(dir, 'busy-lake'),
        '--duration',
        '3s',
        '--dashboard-port',
        'off',
      ]);
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `^accesslake up: port ${port} on 127\\.0\\.0\\.1 is in use: stop what listens there or pass --port \\d+`,
        ),
      );
    } finally {
      server.close();
    }
  });

  it('names a busy dashboard port and the flag that moves it', async () => {
    const dashboardPort = await freePort();
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(dashboardPort, '127.0.0.1', resolve));
    try {
      const result = up([
        '--port',
        String(await freePort()),
        '--dashboard-port',
        String(dashboardPort),
        '--lake',
        join(dir, 'busy-dashboard-lake'),
        '--duration',
        '3s',
      ]);
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `^accesslake up: port ${dashboardPort} on 127\\.0\\.0\\.1 is in use: stop what listens there or pass --dashboard-port \\d+`,
        ),
      );
    } finally {
      server.close();
    }
  });

  it('explains an unwritable ./lake', async () => {
    const cwd = join(dir, 'readonly');
    mkdirSync(join(cwd, 'lake'), { recursive: true });
    chmodSync(cwd, 0o755);
    chmodSync(join(cwd, 'lake'), 0o555);
    // Root writes anywhere; run as nobody then, so the permission check is real.
    const uid = process.getuid?.() === 0 ? 65534 : undefined;
    const result = up(['--duration', '3s', '--port', String(await freePort()), '--dashboard-port', 'off'], {
      cwd,
      ...(uid === undefined ? {} : { uid }),
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^accesslake up: the lake folder \.\/lake is not writable \(permission denied\): fix its permissions or pass --lake with a writable folder/,
    );
  });

  it('explains a lake path blocked by a file', async () => {
    const cwd = join(dir, 'blocked');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, 'lake'), 'not a folder');
    const result = up(['--duration', '3s', '--port', String(await freePort()), '--dashboard-port', 'off'], {
      cwd,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^accesslake up: the lake folder \.\/lake is not writable \(a file is in the way\)/,
    );
  });

  it('explains a missing --file', async () => {
    const result = up([
      '--file',
      'logs/missing.log',
      '--lake',
      join(dir, 'file-lake'),
      '--port',
      String(await freePort()),
      '--dashboard-port',
      'off',
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^accesslake up: --file logs\/missing\.log: no such file: pass the path of an existing nginx access log, or leave out --file to generate traffic/,
    );
  });
});
