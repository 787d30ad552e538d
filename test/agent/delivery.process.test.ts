/**
 * Real processes, real ingest with file storage: the lake must hold every line exactly once after an
 * ingest outage, after rename and copytruncate rotations under load, and after the agent dies between
 * ingest's 200 and its own commit.
 */
import { copyFile, mkdtemp, rename, rm, truncate } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { buildAgentBundle } from '../../shipper-agent/build.ts';
import { test, waitFor } from './fixtures.ts';
import {
  filePaths,
  lakePaths,
  type Proc,
  startAgentProcess,
  startAppender,
  startIngest,
  waitShipped,
} from './processes.ts';

let shared: string;
let bundle: string;

beforeAll(async () => {
  shared = await mkdtemp(join(tmpdir(), 'agent-delivery-'));
  bundle = join(shared, 'accesslake-agent.mjs');
  await buildAgentBundle(bundle);
});
afterAll(async () => {
  await rm(shared, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function agentArgs(log: string, endpoint: string, stateDir: string): string[] {
  return [
    '--file',
    log,
    '--endpoint',
    endpoint,
    '--state-dir',
    stateDir,
    '--batch-bytes',
    '8KiB',
    '--batch-age',
    '200ms',
    '--poll-interval',
    '100ms',
    '--source',
    'delivery-test',
  ];
}

/** No line twice, and nothing that was not written. */
function expectNoDuplicates(lake: string[], written: string[]): void {
  expect(new Set(lake).size).toBe(lake.length);
  const all = new Set(written);
  expect(lake.filter((p) => !all.has(p))).toEqual([]);
}

describe('agent delivery (real processes)', () => {
  test('an ingest outage: the agent retries, then delivers every line once', async ({ dir }) => {
    const storage = join(dir, 'lake');
    const log = join(dir, 'access.log');
    const stateDir = join(dir, 'state');
    let ingest = await startIngest(storage);
    const appender = await startAppender(log, { burst: 10, intervalMs: 20, prefix: 'o', max: 20_000 });
    // The CLI entry, as `accesslake up` and the e2e suite run it.
    const agent = startAgentProcess(agentArgs(log, ingest.url, stateDir));
    const retrying = () => agent.output().includes('cannot deliver batch to ingest, retrying');
    try {
      // Each phase waits for what it needs rather than for a fixed time: on a loaded machine the CLI
      // can take seconds to start, and an outage that ends before it first sends tests nothing.
      await waitFor(async () => (await lakePaths(storage)).length > 0, 60_000, 'the first batch in the lake');
      await ingest.stop();
      await waitFor(retrying, 30_000, 'the agent to report a failed delivery');
      await sleep(500);
      ingest = await startIngest(storage, ingest.port);
      await sleep(500);
      await appender.stop();
      await waitShipped(stateDir, log, 40_000);
      expect(await agent.stop()).toBe(0);
    } finally {
      await agent.stop();
      await ingest.stop();
    }
    expect(await lakePaths(storage)).toEqual(appender.paths());
    expect(agent.output()).toMatch(
      /"cannot deliver batch to ingest, retrying; lines wait in the log file".*"reason":"[^"]+"/,
    );
  }, 150_000);

  test('rename rotation and copytruncate while lines are appended', async ({ dir }) => {
    const storage = join(dir, 'lake');
    const log = join(dir, 'access.log');
    const stateDir = join(dir, 'state');
    const ingest = await startIngest(storage);
    const appender = await startAppender(log, { burst: 10, intervalMs: 10, prefix: 'rot', max: 100_000 });
    const agent = startAgentProcess(agentArgs(log, ingest.url, stateDir), bundle);
    try {
      // The agent must be tailing the file before it is renamed (on a busy machine start-up is slow).
      await waitFor(() => agent.output().includes('"agent started"'), 30_000, 'the agent to start');
      await sleep(500);
      // logrotate's default: rename, then nginx reopens on USR1 a moment later.
      await rename(log, `${log}.1`);
      await sleep(200);
      await appender.reopen();
      await sleep(1000);
      // copytruncate: copy, then truncate in place while nginx keeps appending (O_APPEND).
      await copyFile(log, `${log}.ct`);
      await truncate(log, 0);
      await sleep(1000);
      await appender.stop();
      await waitShipped(stateDir, log, 40_000);
      expect(await agent.stop()).toBe(0);
    } finally {
      await agent.stop();
      await ingest.stop();
    }
    const lake = await lakePaths(storage);
    const inFiles = [
      ...(await filePaths(`${log}.1`)),
      ...(await filePaths(`${log}.ct`)),
      ...(await filePaths(log)),
    ];
    // Every line still in some file arrived; lines written between copy and truncate exist nowhere but
    // may have been read before the truncation; none arrived twice, none was invented.
    expectNoDuplicates(lake, appender.paths());
    const shipped = new Set(lake);
    expect(inFiles.filter((p) => !shipped.has(p))).toEqual([]);
    expect(lake.length).toBeGreaterThan(1000);
    expect(agent.output()).toContain('file rotated away (renamed or deleted): reading it to its end');
    expect(agent.output()).toContain('file was truncated (copytruncate?)');
  });

  test('the agent dies between ingest storing a batch and its own commit: the batch is sent again under its key', async ({
    dir,
  }) => {
    const storage = join(dir, 'lake');
    const log = join(dir, 'access.log');
    const stateDir = join(dir, 'state');
    const ingest = await startIngest(storage);
    const appender = await startAppender(log, { burst: 10, intervalMs: 20, prefix: 'pc', max: 1500 });
    const proxy = await startKillingProxy(ingest.url);
    const args = agentArgs(log, proxy.url, stateDir);
    try {
      // Three times each: kill before the 200 reaches the agent, and right after it does.
      for (const mode of ['hold', 'hold', 'hold', 'pass', 'pass', 'pass'] as const) {
        const agent = startAgentProcess(args, bundle);
        const killed = proxy.killOnNextBatch(agent, mode);
        await Promise.race([killed, agent.exited]);
        await agent.exited;
        const key = await killed;
        // The next run's first batch is the range that was in flight, under the same key.
        const next = startAgentProcess(args, bundle);
        await waitFor(
          () => proxy.keys.length > 0 && proxy.keys[proxy.keys.length - 1] !== key,
          10_000,
          'a batch after restart',
        );
        if (mode === 'hold') expect(proxy.keys).toContain(key);
        await next.kill9();
      }
      await appender.stop();
      const last = startAgentProcess(args, bundle);
      await waitFor(() => last.output().includes('agent started'), 10_000, 'the last agent to start');
      await waitShipped(stateDir, log, 30_000);
      expect(await last.stop()).toBe(0);
    } finally {
      await proxy.close();
      await ingest.stop();
    }
    expect(await lakePaths(storage)).toEqual(appender.paths());
    expect(proxy.resent).toBeGreaterThanOrEqual(3);
  });
});

/**
 * A proxy in front of ingest that, when asked, lets ingest store the next data batch and then SIGKILLs
 * the agent: before relaying the 200 ('hold') or right after relaying it ('pass').
 */
async function startKillingProxy(target: string) {
  let armed: { agent: Proc; mode: 'hold' | 'pass'; resolve: (key: string) => void } | undefined;
  const keys: string[] = [];
  const killedKeys = new Set<string>();
  let resent = 0;
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name))
        headers.set(name, value);
    }
    const key = headers.get('idempotency-key');
    const upstream = await fetch(`${target}${req.url}`, {
      method: req.method!,
      headers,
      ...(req.method === 'POST' ? { body: new Uint8Array(Buffer.concat(chunks)) } : {}),
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    const isBatch = req.method === 'POST' && key !== null && key !== 'agent-access-check';
    if (isBatch && upstream.status === 200) {
      if (killedKeys.has(key)) resent++;
      keys.push(key);
    }
    const target_ = armed;
    if (isBatch && upstream.status === 200 && target_) {
      armed = undefined;
      killedKeys.add(key);
      if (target_.mode === 'hold') {
        await target_.agent.kill9();
        res.destroy();
      } else {
        res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(body);
        await target_.agent.kill9();
      }
      target_.resolve(key);
      return;
    }
    res
      .writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
      })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    keys,
    get resent() {
      return resent;
    },
    killOnNextBatch(agent: Proc, mode: 'hold' | 'pass'): Promise<string> {
      return new Promise((resolve) => {
        armed = { agent, mode, resolve };
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
