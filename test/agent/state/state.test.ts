import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { StateError } from '../../../shipper-agent/errors.ts';
import { loadState, STATE_FILE, saveState } from '../../../shipper-agent/state/durability.ts';
import { acquireLock, LOCK_FILE } from '../../../shipper-agent/state/lock.ts';
import { parseState } from '../../../shipper-agent/state/parse.ts';
import { emptyState, type FileEntry, recordShipped } from '../../../shipper-agent/state/schema.ts';
import { test } from '../fixtures.ts';

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

  test('an entry with a broken field stops that file alone, the entry kept as it was', async ({ dir }) => {
    const state = emptyState();
    state.files.push(
      { ...entry(), committed: 'x' as unknown as number },
      entry({ id: 'file-2', path: '/b.log' }),
    );
    await writeFile(join(dir, STATE_FILE), JSON.stringify(state));
    const loaded = await loadState(dir);
    expect(loaded.files.map((f) => f.path)).toEqual(['/b.log']);
    expect(loaded.stopped).toEqual([
      expect.objectContaining({
        path: '/var/log/nginx/access.log',
        reason: expect.stringMatching(/files\[0\]\) is not valid: "committed" is "x", not a whole number/),
        invalidEntry: expect.objectContaining({ committed: 'x' }),
      }),
    ]);
  });

  test('an entry that names no file makes the whole state invalid, with its index', async ({ dir }) => {
    const state = emptyState();
    state.files.push({ ...entry(), path: 7 as unknown as string });
    await writeFile(join(dir, STATE_FILE), JSON.stringify(state));
    await expect(loadState(dir)).rejects.toThrow(/files\[0\]: "path" is not a string/);
  });

  test.each([
    ['committed: -5000', { committed: -5000 }, /"committed" is -5000, not a whole number ≥ 0/],
    ['committed: 1e12', { committed: 1e12 }, /"committed" is 1000000000000, beyond the file's size 300/],
    ['committed: 12.5', { committed: 12.5 }, /"committed" is 12.5, not a whole number/],
    ['committed: null (NaN in JSON)', { committed: null }, /"committed" is null/],
    ['size: "300"', { size: '300' }, /"size" is "300"/],
    [
      'pending before committed',
      { pending: { batchId: 'k', start: 50, end: 200, lines: 2 } },
      /"pending" range 50-200 is not within committed 100 and size 300/,
    ],
    [
      'pending beyond the size',
      { pending: { batchId: 'k', start: 100, end: 400, lines: 2 } },
      /"pending" range 100-400/,
    ],
    [
      'pending end before start',
      { pending: { batchId: 'k', start: 200, end: 150, lines: 2 } },
      /"pending" range 200-150/,
    ],
  ])('offsets that do not fit are reported and that file is stopped: %s', async (_, change, reason) => {
    const state = emptyState();
    state.files.push({ ...entry(), ...(change as Partial<FileEntry>) });
    const parsed = parseState(JSON.stringify(state));
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    expect(parsed.data.files).toEqual([]);
    expect(parsed.data.stopped).toHaveLength(1);
    expect(parsed.data.stopped[0]!.reason).toMatch(reason);
    expect(parsed.data.stopped[0]!.reason).toMatch(/does not guess where to resume/);
  });

  test('an invalid entry stays stopped across a save and a load, until someone fixes it', async ({ dir }) => {
    const state = emptyState();
    state.files.push({ ...entry(), committed: -5000 });
    await writeFile(join(dir, STATE_FILE), JSON.stringify(state));
    const loaded = await loadState(dir);
    await saveState(dir, loaded);
    const again = await loadState(dir);
    expect(again.files).toEqual([]);
    expect(again.stopped).toEqual([
      expect.objectContaining({ invalidEntry: expect.objectContaining({ committed: -5000 }) }),
    ]);
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
    expect((await readFile(join(dir, LOCK_FILE), 'utf8')).split('\n')[0]).toBe(String(process.pid));
    await lock.release();
  });

  test('a takeover gate left by a contender killed half-way does not lock the folder for good', async ({
    dir,
  }) => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    }).stdout;
    // A stale lock, and the gate a contender (also dead now) had taken to remove it.
    await writeFile(join(dir, LOCK_FILE), `${dead}\nstale-nonce\n`);
    await writeFile(join(dir, `${LOCK_FILE}.gone-stale-nonce`), `${dead}\ngate-nonce\n`);
    const lock = await acquireLock(dir);
    expect((await readFile(join(dir, LOCK_FILE), 'utf8')).split('\n')[0]).toBe(String(process.pid));
    expect(await readdir(dir)).toEqual([LOCK_FILE]);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  test('a lock naming this very pid that this process does not hold is stale (pid 1 in a restarted container)', async ({
    dir,
  }) => {
    const stale = `${process.pid}\n`;
    await writeFile(join(dir, LOCK_FILE), stale);
    const lock = await acquireLock(dir);
    // Taken over: the lock file is this holder's own (same pid, a new nonce), not the stale one.
    const held = await readFile(join(dir, LOCK_FILE), 'utf8');
    expect(held).not.toBe(stale);
    expect(held.split('\n').slice(0, 2)).toEqual([String(process.pid), expect.stringMatching(/\S/)]);
    // And it is a real hold: a second acquire in this process is refused while it lasts.
    await expect(acquireLock(dir)).rejects.toThrow(/another agent \(pid \d+\) is using the state directory/);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });
});
