/**
 * The agent's wake-up modes end to end, in one process against the real ingest app: a busy file is read
 * on a timer with no directory watch held, a rotation is still noticed while busy, and a quiet file goes
 * back to inotify. The stat poll is set to a minute, so only the busy ticks or a watch can see anything.
 * The watcher is the real one (fs.watch), wrapped to record which folders are watched.
 */
import { appendFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { Logger } from '../../lib/log/index.ts';
import {
  createDirectoryWatcher,
  type WakeKind,
  type WatcherFactory,
} from '../../shipper-agent/wake/watcher.ts';
import { jsonLines, test, waitFor } from './fixtures.ts';
import { expectedPaths, inProcessIngest, startTestAgent } from './in-process.ts';

/** The real watcher, recording the folders it watches after every update. */
function recordingWatcher() {
  const seen = { watched: new Set<string>(), unwatchedAt: 0, rewatchedAt: 0, updates: 0 };
  const factory: WatcherFactory = (onWake: (kind: WakeKind) => void, logger: Logger) => {
    const real = createDirectoryWatcher(onWake, logger);
    return {
      update(dirs) {
        const next = new Set(dirs);
        if (seen.watched.size > 0 && next.size === 0) seen.unwatchedAt++;
        if (seen.watched.size === 0 && next.size > 0 && seen.updates > 0) seen.rewatchedAt++;
        seen.watched = next;
        seen.updates++;
        real.update(next);
      },
      close: () => real.close(),
    };
  };
  return { factory, seen };
}

/** Appends `count` lines in slices every 20 ms (a steadily written log), while `during` runs. */
async function appendSteadily(path: () => string, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 10) {
    await appendFile(path(), jsonLines(prefix, 10, i));
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sorted = (...lists: string[][]) => lists.flat().sort();

describe('busy and idle tailing', () => {
  test('a busy file is read with no watch held; a quiet one is back on inotify', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    await writeFile(log, '');
    const { factory, seen } = recordingWatcher();
    const agent = await startTestAgent(ingest, {
      files: [log],
      stateDir: join(dir, 'state'),
      pollIntervalMs: 60_000,
      watch: factory,
    });
    expect(seen.watched).toEqual(new Set([dir]));
    await appendSteadily(() => log, 'busy', 400);
    // While the lines kept coming, the watch was dropped and the timer read them.
    expect(seen.unwatchedAt).toBeGreaterThan(0);
    await waitFor(() => agent.status().totals.linesShipped === 400, 5000, 'the busy lines');
    // Quiet for a second: the folder is watched again, and a single line is seen through inotify
    // (the poll is a minute away).
    await waitFor(() => seen.watched.size === 1, 5000, 'the watch back on');
    expect(seen.rewatchedAt).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    await appendFile(log, jsonLines('quiet', 1));
    await waitFor(() => agent.status().totals.linesShipped === 401, 5000, 'the quiet line');
    await agent.stop();
    expect(await ingest.paths()).toEqual(sorted(expectedPaths('busy', 400), expectedPaths('quiet', 1)));
  });

  test('notices a rename rotation and the new file while busy, with no watch held', async ({ dir }) => {
    const ingest = inProcessIngest();
    const log = join(dir, 'access.log');
    await writeFile(log, '');
    const { factory, seen } = recordingWatcher();
    const agent = await startTestAgent(ingest, {
      files: [log],
      stateDir: join(dir, 'state'),
      pollIntervalMs: 60_000,
      watch: factory,
    });
    let current = log;
    const writing = appendSteadily(() => current, 'before', 300);
    await waitFor(() => seen.watched.size === 0, 5000, 'the watch dropped while busy');
    await writing;
    // nginx keeps writing to the renamed file until USR1, then writes the new one.
    await rename(log, `${log}.1`);
    current = `${log}.1`;
    await appendSteadily(() => current, 'late', 50);
    await writeFile(log, '');
    current = log;
    await appendSteadily(() => current, 'after', 200);
    await waitFor(() => agent.status().totals.linesShipped === 550, 5000, 'all 550 lines');
    // Busy throughout: the new file was found by a busy tick, not by a watch.
    expect(seen.rewatchedAt).toBe(0);
    await agent.stop();
    expect(await ingest.paths()).toEqual(
      sorted(expectedPaths('before', 300), expectedPaths('late', 50), expectedPaths('after', 200)),
    );
    expect(
      agent.logs.some((l) => l.message === 'file rotated away (renamed or deleted): reading it to its end'),
    ).toBe(true);
  });
});
