import { appendFile, open, rename, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { BATCH_ID_PATTERN } from '../../../lake-contract/index.ts';
import {
  batchKey,
  FINGERPRINT_BYTES,
  fingerprintMatches,
  newFileId,
  readFingerprint,
} from '../../../shipper-agent/identity/identity.ts';
import { jsonLines, test } from '../fixtures.ts';

async function fingerprintOf(path: string) {
  const handle = await open(path, 'r');
  try {
    return await readFingerprint(handle, (await handle.stat()).size);
  } finally {
    await handle.close();
  }
}

async function matches(path: string, fp: Awaited<ReturnType<typeof fingerprintOf>>) {
  const handle = await open(path, 'r');
  try {
    return await fingerprintMatches(handle, fp);
  } finally {
    await handle.close();
  }
}

describe('file identity', () => {
  test('a file keeps its dev+inode and fingerprint through appends and a rename', async ({ dir }) => {
    const path = join(dir, 'access.log');
    await writeFile(path, jsonLines('a', 10));
    const before = await stat(path);
    const fp = await fingerprintOf(path);
    expect(fp.fingerprintBytes).toBe(FINGERPRINT_BYTES);
    await appendFile(path, jsonLines('b', 5));
    await rename(path, `${path}.1`);
    const after = await stat(`${path}.1`);
    expect([after.dev, after.ino]).toEqual([before.dev, before.ino]);
    expect(await matches(`${path}.1`, fp)).toBe(true);
  });

  test('a truncated and rewritten file (same inode) no longer matches', async ({ dir }) => {
    const path = join(dir, 'access.log');
    await writeFile(path, jsonLines('old', 10));
    const fp = await fingerprintOf(path);
    await truncate(path, 0);
    await appendFile(path, jsonLines('new', 10));
    expect(await matches(path, fp)).toBe(false);
    await truncate(path, 100);
    expect(await matches(path, fp)).toBe(false);
  });

  test('a copy with the same first bytes matches, so copytruncate copies are recognised', async ({ dir }) => {
    const path = join(dir, 'access.log');
    await writeFile(path, jsonLines('c', 10));
    await writeFile(`${path}.1`, jsonLines('c', 12));
    expect(await matches(`${path}.1`, await fingerprintOf(path))).toBe(true);
  });

  test('a short file is fingerprinted over what it holds, and the fingerprint still matches as it grows', async ({
    dir,
  }) => {
    const path = join(dir, 'access.log');
    await writeFile(path, '{"a":1}\n');
    const short = await fingerprintOf(path);
    expect(short.fingerprintBytes).toBe(8);
    await appendFile(path, jsonLines('more', 10));
    expect(await matches(path, short)).toBe(true);
    expect((await fingerprintOf(path)).fingerprintBytes).toBe(FINGERPRINT_BYTES);
  });

  test('an empty file matches anything (it has no bytes to compare yet)', async ({ dir }) => {
    const path = join(dir, 'access.log');
    await writeFile(path, '');
    const empty = await fingerprintOf(path);
    expect(empty.fingerprintBytes).toBe(0);
    await writeFile(path, 'x\n');
    expect(await matches(path, empty)).toBe(true);
  });
});

describe('ids and batch keys', () => {
  const identity = { dev: 2049, ino: 1234, fingerprint: 'ab'.repeat(16), fingerprintBytes: 512 };

  test('a batch key is a pure function of file id and range, in the alphabet ingest accepts', () => {
    const id = newFileId(identity, 1_700_000_000_000);
    const key = batchKey(id, 0, 4096);
    expect(key).toBe(batchKey(id, 0, 4096));
    expect(key).toMatch(BATCH_ID_PATTERN);
    expect(key).not.toBe(batchKey(id, 0, 4097));
    expect(key).not.toBe(batchKey(id, 1, 4096));
  });

  test('a reused inode with identical first bytes still gets a different id, so its keys differ', () => {
    const first = newFileId(identity, 1_700_000_000_000);
    const reused = newFileId(identity, 1_700_000_000_001);
    expect(first).not.toBe(reused);
    expect(batchKey(first, 0, 100)).not.toBe(batchKey(reused, 0, 100));
  });
});
