/** Shared pieces of the agent tests: temp dirs, log lines ingest accepts, waiting for a condition. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from 'vitest';
import { waitFor as pollFor } from '../../harness/index.ts';
import { jsonLine as supportJsonLine } from '../support/batches.ts';

/**
 * A JSON line as nginx's json format writes it; `path` makes it unique. The one `jsonLine`
 * (test/support/batches.ts) with the agent tests' fields: no user agent or referer, so the bytes and
 * offsets these tests count stay as they were.
 */
export function jsonLine(path: string, status = 200): string {
  return supportJsonLine({
    remote_addr: '10.0.0.1',
    path,
    status,
    request_time: 0.01,
    user_agent: undefined,
    referer: undefined,
  });
}

/** `count` unique lines `/p/<prefix>-<i>`, each ending in a newline. */
export function jsonLines(prefix: string, count: number, from = 0): string {
  let out = '';
  for (let i = from; i < from + count; i++) out += `${jsonLine(`/p/${prefix}-${i}`)}\n`;
  return out;
}

/**
 * Polls `check` every 20 ms until it returns true or `timeoutMs` passes: the one `waitFor`
 * (harness/process.ts) in the call shape the agent tests use.
 */
export function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<true> {
  return pollFor(what, async () => ((await check()) ? true : undefined), { timeoutMs, intervalMs: 20 });
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
