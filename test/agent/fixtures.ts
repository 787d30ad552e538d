/** Shared pieces of the agent tests: temp dirs, log lines ingest accepts, waiting for a condition. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from 'vitest';

/** A JSON line as nginx's json format writes it; `path` makes it unique. */
export function jsonLine(path: string, status = 200): string {
  return JSON.stringify({
    ts: '2025-01-10T14:31:02+00:00',
    remote_addr: '10.0.0.1',
    method: 'GET',
    path,
    protocol: 'HTTP/1.1',
    status,
    bytes_sent: 512,
    request_time: 0.01,
  });
}

/** `count` unique lines `/p/<prefix>-<i>`, each ending in a newline. */
export function jsonLines(prefix: string, count: number, from = 0): string {
  let out = '';
  for (let i = from; i < from + count; i++) out += `${jsonLine(`/p/${prefix}-${i}`)}\n`;
  return out;
}

/** Polls `check` every 20 ms until it returns true or `timeoutMs` passes. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** vitest fixture: a fresh temp dir per test, removed after it. */
export const test = base.extend<{ dir: string }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest fixtures take their dependencies destructured
  dir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-test-'));
    await use(dir);
    await rm(dir, { recursive: true, force: true });
  },
});
