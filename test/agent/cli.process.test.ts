/**
 * The agent CLI as people meet it: bad input ends in one clear line and a non-zero exit, `agent status`
 * reads the state of a running agent, an unreachable ingest is said and waited out.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { freePort } from '../../harness/index.ts';
import { buildAgentBundle } from '../../shipper-agent/build.ts';
import { jsonLines, test, waitFor } from './fixtures.ts';
import { type Ingest, spawnProc, startAgentProcess, startIngest, TOKEN, waitShipped } from './processes.ts';

let shared: string;
let bundle: string;
let ingest: Ingest;

beforeAll(async () => {
  shared = await mkdtemp(join(tmpdir(), 'agent-cli-'));
  await chmod(shared, 0o755);
  bundle = join(shared, 'accesslake-agent.mjs');
  await buildAgentBundle(bundle);
  ingest = await startIngest(join(shared, 'lake'));
});
afterAll(async () => {
  await ingest?.stop();
  await rm(shared, { recursive: true, force: true });
});

describe('agent CLI', () => {
  test('a log linked to /dev/stdout (the official nginx image) fails at once, naming the fix', async ({
    dir,
  }) => {
    const log = join(dir, 'access.log');
    await symlink('/dev/stdout', log);
    const agent = startAgentProcess([
      '--file',
      log,
      '--endpoint',
      ingest.url,
      '--state-dir',
      join(dir, 'state'),
    ]);
    expect(await agent.exited).toBe(1);
    expect(agent.output()).toMatch(
      /accesslake agent: .*access\.log is a symlink to \/dev\/stdout.*RUN rm \/var\/log\/nginx\/access\.log/,
    );
  });

  test.each([
    [
      'a symlink to /dev/stdout',
      '/dev/stdout',
      /access\.log is a symlink to \/dev\/stdout, the output of a process/,
    ],
    ['a symlink to /dev/stderr', '/dev/stderr', /access\.log is a symlink to \/dev\/stderr/],
    ['a symlink to /proc/self/fd/1', '/proc/self/fd/1', /access\.log is a symlink to \/proc\/self\/fd\/1/],
    ['a symlink to a symlink to /dev/stdout', 'chain', /access\.log leads to \/dev\/stdout/],
    ["the agent's own output file, named directly", 'own', /agent\.out is this agent's own stdout/],
  ])('the stdout trap is caught when the output is a regular file: %s', async (_, target, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-trap-'));
    try {
      const out = join(dir, 'agent.out');
      await writeFile(out, '');
      let log = join(dir, 'access.log');
      if (target === 'own') log = out;
      else if (target === 'chain') {
        await symlink('/dev/stdout', join(dir, 'out-link'));
        await symlink(join(dir, 'out-link'), log);
      } else await symlink(target, log);
      // stdout and stderr go to a regular file, as under `agent > agent.out 2>&1` or a service manager.
      const fd = openSync(out, 'a');
      const child = spawn(
        process.execPath,
        [
          bundle,
          '--file',
          log,
          '--endpoint',
          ingest.url,
          '--token',
          TOKEN,
          '--state-dir',
          join(dir, 'state'),
        ],
        { stdio: ['ignore', fd, fd], detached: true },
      );
      closeSync(fd);
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      const output = await readFile(out, 'utf8');
      expect(code, output).toBe(1);
      expect(output).toMatch(message);
      expect(output).toMatch(/RUN rm \/var\/log\/nginx\/access\.log/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a wrong token stops the agent with an error instead of retrying forever', async ({ dir }) => {
    const log = join(dir, 'access.log');
    await writeFile(log, jsonLines('w', 3));
    const agent = spawnProc(process.execPath, [
      bundle,
      '--file',
      log,
      '--endpoint',
      ingest.url,
      '--state-dir',
      join(dir, 'state'),
      '--token',
      'not-the-token',
    ]);
    expect(await agent.exited).toBe(1);
    expect(agent.output()).toMatch(
      /accesslake agent: ingest at http:\/\/127\.0\.0\.1:\d+ rejected the token \(40[13]/,
    );
  });

  test('permission denied names the user and the usual fix', async () => {
    const dir = join(shared, 'perm');
    await mkdir(join(dir, 'state'), { recursive: true });
    await chmod(dir, 0o755);
    await chmod(join(dir, 'state'), 0o777);
    const log = join(dir, 'access.log');
    await writeFile(log, jsonLines('x', 1), { mode: 0o600 });
    // As root, permissions do not apply: run the agent as nobody (util-linux setpriv).
    const agent = spawnProc('setpriv', [
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      process.execPath,
      bundle,
      '--file',
      log,
      '--endpoint',
      ingest.url,
      '--token',
      TOKEN,
      '--state-dir',
      join(dir, 'state'),
    ]);
    expect(await agent.exited).toBe(1);
    expect(agent.output()).toMatch(
      /cannot read .*access\.log \(owner uid 0, group gid 0, mode 600\): permission denied for user .*uid 65534.*group adm/,
    );
  });

  test('`agent status` shows offsets, lag and lines shipped while the agent runs', async ({ dir }) => {
    const log = join(dir, 'access.log');
    const stateDir = join(dir, 'state');
    await writeFile(log, jsonLines('st', 40));
    const agent = startAgentProcess(
      ['--file', log, '--endpoint', ingest.url, '--state-dir', stateDir, '--batch-age', '200ms'],
      bundle,
    );
    try {
      await waitShipped(stateDir, log);
      const status = spawnProc(process.execPath, [bundle, 'status', '--state-dir', stateDir]);
      expect(await status.exited).toBe(0);
      expect(status.output()).toMatch(/agent: +running \(pid \d+/);
      expect(status.output()).toMatch(
        new RegExp(`${log.replaceAll('/', '\\/')} +active +\\d+ +\\d+ +0 +40 +0 +0 +-`),
      );
      const json = spawnProc(process.execPath, [
        'bin/accesslake.mjs',
        'agent',
        'status',
        '--state-dir',
        stateDir,
        '--json',
      ]);
      expect(await json.exited).toBe(0);
      expect(JSON.parse(json.output())).toMatchObject({
        running: true,
        totals: { linesShipped: 40, lagBytes: 0 },
      });
    } finally {
      expect(await agent.stop()).toBe(0);
    }
  });

  test('an unreachable endpoint is said, retried, and the agent still stops cleanly', async ({ dir }) => {
    const log = join(dir, 'access.log');
    await writeFile(log, jsonLines('u', 3));
    const port = await freePort();
    const agent = startAgentProcess(
      [
        '--file',
        log,
        '--endpoint',
        `http://127.0.0.1:${port}`,
        '--state-dir',
        join(dir, 'state'),
        '--batch-age',
        '200ms',
      ],
      bundle,
    );
    await waitFor(
      () => agent.output().includes('cannot deliver batch to ingest, retrying'),
      10_000,
      'the retry warning',
    );
    expect(agent.output()).toMatch(
      /cannot reach ingest yet.*connection refused: is the ingest running, and is --endpoint right\?/,
    );
    expect(await agent.stop()).toBe(0);
  });
});
