import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileStorage } from '../../storage/drivers/file.ts';
import { createMemoryStorage, createStorage, parseStorageUrl } from '../../storage/index.ts';
import { runStorageContract } from './contract.ts';

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'accesslake-file-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

runStorageContract('memory', async () => createMemoryStorage());
runStorageContract('file', async () => createFileStorage(await tempDir()));

describe('file storage', () => {
  it('leaves no temporary files behind after a write', async () => {
    const dir = await tempDir();
    const storage = createFileStorage(dir);
    await storage.put('access_logs/a/b.jsonl.gz', new Uint8Array([1, 2, 3]));
    expect(await readdir(join(dir, 'access_logs/a'))).toEqual(['b.jsonl.gz']);
  });

  it('creates the lake folder and its parents on the first write', async () => {
    const dir = await tempDir();
    const storage = createFileStorage(join(dir, 'not', 'yet', 'lake'));
    await storage.put('batches/a.json', new Uint8Array([1]));
    expect(await storage.putIfAbsent('rejects/b.json', new Uint8Array([2]))).toBe(true);
    expect(await storage.list('')).toEqual(['batches/a.json', 'rejects/b.json']);
  });

  it('does not follow a symlinked folder inside the lake to a folder outside it', async () => {
    const lake = await tempDir();
    const outside = await tempDir();
    await writeFile(join(outside, 'secret.jsonl.gz'), 'outside');
    await mkdir(join(lake, 'access_logs'));
    await symlink(outside, join(lake, 'access_logs', 'year=2025'));
    const storage = createFileStorage(lake);
    await expect(
      storage.put('access_logs/year=2025/month=01/a.jsonl.gz', new Uint8Array([1])),
    ).rejects.toThrow(/refusing to follow the symlink "access_logs\/year=2025"/);
    await expect(storage.get('access_logs/year=2025/secret.jsonl.gz')).rejects.toThrow(/symlink/);
    await expect(storage.list('access_logs/year=2025/')).rejects.toThrow(/symlink/);
    expect(await storage.list('access_logs/')).toEqual([]);
    expect(await readdir(outside)).toEqual(['secret.jsonl.gz']);
  });

  it('does not read an object that is a symlink to a file outside the lake', async () => {
    const lake = await tempDir();
    const outside = await tempDir();
    await writeFile(join(outside, 'passwd'), 'root:x:0:0');
    await mkdir(join(lake, 'rejects'));
    await symlink(join(outside, 'passwd'), join(lake, 'rejects', 'rejects_x.jsonl.gz'));
    const storage = createFileStorage(lake);
    await expect(storage.get('rejects/rejects_x.jsonl.gz')).rejects.toThrow(/refusing to follow the symlink/);
    expect(await storage.list('rejects/')).toEqual([]);
  });

  it('names the path when the folder cannot be written', async () => {
    // A regular file where the lake folder should be: unwritable even for root.
    const dir = await tempDir();
    await writeFile(join(dir, 'not-a-dir'), 'x');
    const storage = createFileStorage(join(dir, 'not-a-dir'));
    await expect(storage.put('a/b', new Uint8Array([1]))).rejects.toThrow(
      `cannot write ${join(dir, 'not-a-dir', 'a', 'b')}`,
    );
  });
});

describe('storage URLs', () => {
  it.each([
    ['s3://my-bucket/logs/prod/', { kind: 's3', bucket: 'my-bucket', prefix: 'logs/prod' }],
    ['s3://my-bucket', { kind: 's3', bucket: 'my-bucket', prefix: '' }],
    ['file:///var/lib/lake', { kind: 'file', path: '/var/lib/lake' }],
    ['./lake', { kind: 'file', path: './lake' }],
    ['memory://', { kind: 'memory' }],
  ])('parses %s', (url, location) => {
    expect(parseStorageUrl(url)).toEqual(location);
  });

  it.each([
    ['s3://Bad_Bucket/x', /not a valid S3 bucket name/],
    ['gs://bucket/x', /unknown scheme/],
    ['', /empty location/],
  ])('explains what is wrong with %j', (url, message) => {
    expect(() => parseStorageUrl(url)).toThrow(message);
  });

  it('creates the driver the URL names', async () => {
    expect((await createStorage('memory://')).url).toBe('memory://');
    const dir = await tempDir();
    expect((await createStorage(dir)).url).toBe(`file://${dir}`);
  });

  it('refuses a lake that is a file at creation, not at the first write', async () => {
    const file = join(await tempDir(), 'not-a-folder');
    await writeFile(file, 'x');
    await expect(createStorage(file)).rejects.toThrow(/not-a-folder is a file, not a folder/);
    // A lake folder that does not exist yet is made by the first write.
    expect((await createStorage(join(file, '..', 'later'))).url).toMatch(/later$/);
  });
});
