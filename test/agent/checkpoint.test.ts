import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import {
  acquireLock,
  emptyState,
  type FileEntry,
  LOCK_FILE,
  loadState,
  recordShipped,
  STATE_FILE,
  saveState,
} from '../../shipper-agent/checkpoint.ts';
import { StateError } from '../../shipper-agent/errors.ts';
import { test } from './fixtures.ts';

function entry(overrides: Partial<FileEntry> = {}): FileEntry {
  return {
    id: 'file-1',
    path: '/var/log/nginx/access.log',
    format: 'json',
    dev: 1,
    ino: 2,
    fingerprint: 'f'.repeat(32),
    fingerprintBytes: 512,
    firstSeen: '2025-01-10T00:00:00.000Z',
    committed: 100,
    checksum: 'c'.repeat(32),
    size: 300,
    pending: { batchId: 'key-0000000001', start: 100, end: 200, lines: 3 },
    rotated: false,
    linesShipped: 1,
    bytesShipped: 100,
    batchesShipped: 1,
    linesCut: 0,
    linesRejected: 0,
    lastAckAt: null,
    ...overrides,
  };
}

describe('state file', () => {
  test('a missing state file is a first start: empty state', async ({ dir }) => {
    expect(await loadState(dir)).toMatchObject({ version: 1, files: [], agent: null });
  });

  test('saves and loads the offsets and the pending range, leaving no temporary file', async ({ dir }) => {
    const state = emptyState();
    state.files.push(entry());
    await saveState(dir, state);
    expect(await readdir(dir)).toEqual([STATE_FILE]);
    const loaded = await loadState(dir);
    expect(loaded.files[0]).toEqual(entry());
    expect(JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')).version).toBe(1);
  });

  test('a corrupt state file is a clear error naming the file and the way out', async ({ dir }) => {
    await writeFile(join(dir, STATE_FILE), '{"version":1,"files":[{"id":');
    const error = await loadState(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateError);
    expect((error as Error).message).toContain(join(dir, STATE_FILE));
    expect((error as Error).message).toMatch(/move it away to start over/);
  });

  test('a state from a newer agent is refused', async ({ dir }) => {
    await writeFile(join(dir, STATE_FILE), JSON.stringify({ version: 2, files: [] }));
    await expect(loadState(dir)).rejects.toThrow(/written by a newer agent/);
  });

  test('an entry with a broken field is refused with its index', async ({ dir }) => {
    const state = emptyState();
    state.files.push({ ...entry(), committed: 'x' as unknown as number });
    await writeFile(join(dir, STATE_FILE), JSON.stringify(state));
    await expect(loadState(dir)).rejects.toThrow(/files\[0\]: "committed" is not a number/);
  });

  test('recordShipped advances the offset, clears the pending range and adds up the counters', () => {
    const state = emptyState();
    const e = entry();
    recordShipped(state, e, {
      start: 100,
      end: 200,
      lines: 3,
      cutLines: 1,
      rejected: 2,
      checksum: 'd'.repeat(32),
    });
    expect(e).toMatchObject({
      committed: 200,
      checksum: 'd'.repeat(32),
      pending: null,
      linesShipped: 4,
      bytesShipped: 200,
      batchesShipped: 2,
      linesCut: 1,
      linesRejected: 2,
    });
    expect(state.totals).toMatchObject({
      linesShipped: 3,
      bytesShipped: 100,
      batchesShipped: 1,
      linesCut: 1,
      linesRejected: 2,
    });
  });
});

describe('state lock', () => {
  test('a second agent on the same state directory is refused while the first runs', async ({ dir }) => {
    const lock = await acquireLock(dir);
    await expect(acquireLock(dir)).rejects.toThrow(/another agent \(pid \d+\) is using the state directory/);
    await lock.release();
    const again = await acquireLock(dir);
    await again.release();
  });

  test('a lock left by a killed agent is taken over', async ({ dir }) => {
    // A pid that existed and is gone: a child that has already exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    await writeFile(join(dir, LOCK_FILE), `${dead.stdout}\n`);
    const lock = await acquireLock(dir);
    expect((await readFile(join(dir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));
    await lock.release();
  });

  test('a lock naming this very pid that this process does not hold is stale (pid 1 in a restarted container)', async ({
    dir,
  }) => {
    await writeFile(join(dir, LOCK_FILE), `${process.pid}\n`);
    const lock = await acquireLock(dir);
    await lock.release();
  });
});
