/**
 * tsconfig.json leaves runtimes/deno out (Deno globals); Deno type-checks its entry itself, together
 * with the ingest sources it imports.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

it('type-checks runtimes/deno/main.ts with deno check', () => {
  const out = spawnSync(
    join(ROOT, 'node_modules/.bin/deno'),
    ['check', '--no-lock', 'runtimes/deno/main.ts'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1' },
    },
  );
  expect(out.stderr + out.stdout).not.toMatch(/error/i);
  expect(out.status).toBe(0);
});
