/**
 * Runtime bench: cold start and warm throughput of the ingest as the Lambda bundle and as the Node
 * server (`accesslake serve`), with the bundle size next to them. Storage is `memory://` so the
 * figures are the runtime's, not the disk's or S3's. Bounded: a few cold starts, warm loops capped in
 * count and seconds. Everything on 127.0.0.1; every process stopped by PID.
 *
 *   npm run bench:runtimes
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildLambdaBundle, REPO_ROOT } from '../deploy/index.ts';
import { freePort, toLambdaEvent } from '../harness/index.ts';

const COLD_RUNS = 5;
const WARM_MAX_REQUESTS = 3000;
const WARM_MAX_SECONDS = 5;
const SERVER_CONCURRENCY = 8;
const LINES_PER_BATCH = 100;
const TOKEN = 'bench-token-0001';

const lines = Array.from({ length: LINES_PER_BATCH }, (_, i) =>
  JSON.stringify({
    ts: `2025-01-10T14:${String(i % 60).padStart(2, '0')}:02+00:00`,
    remote_addr: '203.0.113.9',
    method: 'GET',
    path: `/item/${i}?q=${i * 7}`,
    protocol: 'HTTP/1.1',
    status: i % 17 === 0 ? 500 : 200,
    bytes_sent: 512 + i,
    request_time: 0.012,
    user_agent: 'Mozilla/5.0 (X11; Linux x86_64) bench',
    referer: '-',
  }),
);
const BODY = new Uint8Array(gzipSync(`${lines.join('\n')}\n`));
const headers = (key: string) => ({
  authorization: `Bearer ${TOKEN}`,
  'content-encoding': 'gzip',
  'content-type': 'application/octet-stream',
  'idempotency-key': key,
  'x-source': 'bench',
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const baseEnv = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/tmp',
  NODE_NO_WARNINGS: '1',
};

async function benchLambda(dir: string) {
  const bundle = await buildLambdaBundle({ outDir: join(dir, 'lambda') });
  const eventFile = join(dir, 'event.json');
  const event = toLambdaEvent(
    {
      method: 'POST',
      url: '/v1/batches',
      headers: headers('bench-cold-0001'),
      body: BODY,
      sourceIp: '127.0.0.1',
    },
    'function-url',
  );
  await writeFile(eventFile, JSON.stringify(event));
  const env = {
    ...baseEnv,
    ACCESSLAKE_TOKENS: TOKEN,
    ACCESSLAKE_LAKE: 'memory://',
    ACCESSLAKE_LOG_LEVEL: 'warn',
  };
  const run = (warm: number) => {
    const out = spawnSync(
      process.execPath,
      [
        join(REPO_ROOT, 'bench/runtimes-lambda-child.mjs'),
        join(bundle.dir, 'index.mjs'),
        eventFile,
        String(warm),
        String(WARM_MAX_SECONDS),
      ],
      { env, encoding: 'utf8', timeout: 60_000 },
    );
    if (out.status !== 0) throw new Error(`lambda child failed: ${out.stderr}`);
    return JSON.parse(out.stdout.trim().split('\n').at(-1)!) as {
      coldMs: number;
      importToFirstMs: number;
      warm: number;
      warmMs: number;
    };
  };
  const colds = Array.from({ length: COLD_RUNS }, () => run(0));
  const warm = run(WARM_MAX_REQUESTS);
  return {
    bundle,
    coldMs: median(colds.map((c) => c.coldMs)),
    importToFirstMs: median(colds.map((c) => c.importToFirstMs)),
    warmPerSecond: warm.warm / (warm.warmMs / 1000),
    warmCount: warm.warm,
  };
}

async function startServer(port: number) {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['bin/accesslake.mjs', 'serve', '--host', '127.0.0.1', '--port', String(port)],
    {
      cwd: REPO_ROOT,
      env: {
        ...baseEnv,
        ACCESSLAKE_TOKENS: TOKEN,
        ACCESSLAKE_LAKE: 'memory://',
        ACCESSLAKE_LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
      detached: true,
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    // Cold start ends with the first answered batch, as for Lambda.
    const res = await fetch(`${url}/v1/batches`, {
      method: 'POST',
      headers: headers('bench-cold-0001'),
      body: BODY,
    }).catch(() => undefined);
    if (res?.status === 200) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('accesslake serve did not come up');
    await new Promise((r) => setTimeout(r, 20));
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      process.kill(-child.pid!, 'SIGTERM');
    });
  return { url, coldMs: performance.now() - started, stop };
}

async function benchServer() {
  const colds: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const server = await startServer(await freePort());
    colds.push(server.coldMs);
    await server.stop();
  }
  const server = await startServer(await freePort());
  let sent = 0;
  const deadline = performance.now() + WARM_MAX_SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: SERVER_CONCURRENCY }, async () => {
      while (sent < WARM_MAX_REQUESTS && performance.now() < deadline) {
        const key = `bench-warm-${String(sent++).padStart(8, '0')}`;
        const res = await fetch(`${server.url}/v1/batches`, {
          method: 'POST',
          headers: headers(key),
          body: BODY,
        });
        if (res.status !== 200) throw new Error(`server answered ${res.status}`);
        await res.arrayBuffer();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await server.stop();
  return { coldMs: median(colds), warmPerSecond: sent / seconds, warmCount: sent };
}

const dir = await mkdtemp(join(tmpdir(), 'accesslake-bench-runtimes-'));
try {
  const lambda = await benchLambda(dir);
  const server = await benchServer();
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(
    `batch: ${LINES_PER_BATCH} JSON lines, ${BODY.byteLength} B gzipped; storage memory://; ${COLD_RUNS} cold starts (median)`,
  );
  console.log('runtime                 cold start (spawn → first 200)   warm batches/s          artifact');
  console.log(
    `lambda bundle (node)    ${lambda.coldMs.toFixed(0).padStart(6)} ms (import→answer ${lambda.importToFirstMs.toFixed(0)} ms)   ${lambda.warmPerSecond.toFixed(0).padStart(6)} (sequential, ${lambda.warmCount})   index.mjs ${kib(lambda.bundle.bundleBytes)}, zip ${kib(lambda.bundle.zipBytes)}`,
  );
  console.log(
    `node server (serve)     ${server.coldMs.toFixed(0).padStart(6)} ms                          ${server.warmPerSecond.toFixed(0).padStart(6)} (${SERVER_CONCURRENCY} concurrent, ${server.warmCount})   sources via tsx`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
