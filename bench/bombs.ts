/**
 * `npm run bench:bombs`: peak RSS of the real ingest (`accesslake serve`, folder lake in a temp dir) while
 * ten gzip bombs arrive at once, each 64 KiB on the wire and 1 GiB inflated, with the default limits
 * (128 MiB per batch, 256 MiB memory budget). The figure is the ingest's VmHWM from /proc. A second run
 * sets the budget to 1 GiB, which lets every bomb inflate to the per-batch cap as before the budget.
 * Every bomb must be refused (413, or 503 when the budget is full), and a normal batch must still be
 * accepted afterwards.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { freePort } from '../harness/index.ts';
import { printTable } from './lib/measure.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = 'bench-bombs-token';
const BOMBS = 10;

async function peakRssMB(pid: number): Promise<number> {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return Number(hwm?.[1] ?? 0) / 1024;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid!, 'SIGTERM');
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function run(
  bomb: Uint8Array,
  extraArgs: string[],
): Promise<{ statuses: string; peak: number; idle: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'accesslake-bombs-'));
  const port = await freePort();
  const args = [
    'bin/accesslake.mjs',
    'serve',
    '--port',
    String(port),
    '--token',
    TOKEN,
    '--storage',
    join(dir, 'lake'),
  ];
  const child = spawn(process.execPath, [...args, '--log-level', 'error', ...extraArgs], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (
        await fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 300) throw new Error('ingest did not start within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const idle = await peakRssMB(child.pid!);
    const post = (body: Uint8Array, key: string) =>
      fetch(`${url}/v1/batches`, {
        method: 'POST',
        body: body as BodyInit,
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Encoding': 'gzip', 'Idempotency-Key': key },
      });
    const answers = await Promise.all(Array.from({ length: BOMBS }, (_, i) => post(bomb, `bomb-${i}-batch`)));
    const counts = new Map<number, number>();
    for (const res of answers) counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
    if ([...counts.keys()].some((status) => status !== 413 && status !== 503))
      throw new Error(`a bomb was answered ${[...counts.keys()].join(', ')}`);
    const line = JSON.stringify({
      ts: '2025-01-10T14:31:02+00:00',
      remote_addr: '203.0.113.9',
      method: 'GET',
      path: '/',
      status: 200,
      bytes_sent: 1,
    });
    const normal = await post(new Uint8Array(gzipSync(`${line}\n`)), 'after-the-bombs');
    if (normal.status !== 200)
      throw new Error(`a normal batch after the bombs was answered ${normal.status}`);
    const statuses = [...counts].map(([status, n]) => `${n}× ${status}`).join(', ');
    return { statuses, peak: await peakRssMB(child.pid!), idle };
  } finally {
    await stop(child);
    await rm(dir, { recursive: true, force: true });
  }
}

const bomb = new Uint8Array(gzipSync(Buffer.alloc(1024 * 1024 * 1024), { level: 9 }));
console.log(`# accesslake bench:bombs — node ${process.version}, ${new Date().toISOString()}`);
console.log(
  `${BOMBS} concurrent gzip bombs, ${Math.round(bomb.byteLength / 1024)} KiB each on the wire, 1 GiB inflated\n`,
);
const rows: (string | number)[][] = [];
for (const [label, args] of [
  ['default (budget 256 MiB, cap 128 MiB)', []],
  ['budget 1 GiB (every bomb may reach the cap)', ['--max-decompressed-in-flight', '1GiB']],
] as const) {
  const result = await run(bomb, [...args]);
  rows.push([label, result.statuses, result.idle.toFixed(0), result.peak.toFixed(0)]);
}
printTable(['ingest', 'answers', 'RSS at start (MB)', 'peak RSS (MB)'], rows);
