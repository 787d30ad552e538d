import { defineConfig } from 'vitest/config';

/**
 * `npm run test:e2e`: real nginx, wrk, logrotate, agent and ingest processes under load and faults.
 * Kept out of `npm test` (minutes, not seconds); one file at a time, since each run needs both cores.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
