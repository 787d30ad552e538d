import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { expandGlob, globBase, segmentToRegExp } from '../../../lib/glob/index.ts';
import { FileAccessError } from '../../../shipper-agent/errors.ts';
import {
  compilePatterns,
  describeAccessError,
  expandPatterns,
  probePath,
} from '../../../shipper-agent/finding/discovery.ts';
import { test } from '../fixtures.ts';

describe('globs', () => {
  test('match *, ?, [..], [!..] and {a,b} within one segment, and not a leading dot', () => {
    expect(segmentToRegExp('*.log').test('access.log')).toBe(true);
    expect(segmentToRegExp('*.log').test('.hidden.log')).toBe(false);
    expect(segmentToRegExp('*.log').test('access.log.1')).toBe(false);
    expect(segmentToRegExp('site-?.log').test('site-a.log')).toBe(true);
    expect(segmentToRegExp('site-[ab].log').test('site-c.log')).toBe(false);
    expect(segmentToRegExp('site-[!ab].log').test('site-c.log')).toBe(true);
    expect(segmentToRegExp('{api,www}.log').test('www.log')).toBe(true);
    expect(segmentToRegExp('{api,www}.log').test('web.log')).toBe(false);
    expect(() => segmentToRegExp('{api,www.log')).toThrow(/unclosed/);
  });

  test('expand in file and directory segments, sorted; a literal path comes back as is', async ({ dir }) => {
    await mkdir(join(dir, 'api'));
    await mkdir(join(dir, 'www'));
    await writeFile(join(dir, 'api', 'access.log'), '');
    await writeFile(join(dir, 'www', 'access.log'), '');
    await writeFile(join(dir, 'www', 'error.log'), '');
    expect(await expandGlob(join(dir, '*', 'access.log'))).toEqual([
      join(dir, 'api', 'access.log'),
      join(dir, 'www', 'access.log'),
    ]);
    expect(await expandGlob(join(dir, 'www', '*.log'))).toHaveLength(2);
    expect(await expandGlob(join(dir, 'missing', 'access.log'))).toEqual([
      join(dir, 'missing', 'access.log'),
    ]);
    expect(await expandGlob(join(dir, 'missing', '*.log'))).toEqual([]);
    expect(globBase(join(dir, '*', 'access.log'))).toBe(dir);
  });

  test('patterns carry their format; the first pattern matching a path names it', async ({ dir }) => {
    await writeFile(join(dir, 'a.log'), '');
    const patterns = compilePatterns([
      { path: join(dir, 'a.log'), format: 'combined' },
      { path: join(dir, '*.log'), format: 'json' },
    ]);
    expect(patterns[0]).toMatchObject({ glob: false, watchDir: dir, format: 'combined' });
    expect(patterns[1]).toMatchObject({ glob: true, watchDir: dir });
    expect(await expandPatterns(patterns)).toEqual(new Map([[join(dir, 'a.log'), 'combined']]));
  });
});

describe('probing a path', () => {
  test('a regular file is tailable; a missing one is waited for', async ({ dir }) => {
    await writeFile(join(dir, 'access.log'), 'x\n');
    expect((await probePath(join(dir, 'access.log'))).kind).toBe('file');
    expect(await probePath(join(dir, 'nope.log'))).toEqual({ kind: 'missing', path: join(dir, 'nope.log') });
  });

  test('the official nginx image trap, access.log -> /dev/stdout, says what happened and how to fix it', async ({
    dir,
  }) => {
    const path = join(dir, 'access.log');
    await symlink('/dev/stdout', path);
    const probe = await probePath(path);
    expect(probe.kind).toBe('unusable');
    const error = (probe as { error: FileAccessError }).error;
    expect(error.problem).toBe('stdout');
    expect(error.message).toContain('symlink to /dev/stdout');
    expect(error.message).toMatch(/official nginx Docker image/);
    expect(error.message).toMatch(/access_log \/var\/log\/nginx\/access\.json\.log json;/);
  });

  test('a directory is not a log file, and the message suggests a glob', async ({ dir }) => {
    const probe = await probePath(dir);
    const error = (probe as { error: FileAccessError }).error;
    expect(error.problem).toBe('not-regular');
    expect(error.message).toContain(`${dir} is a directory`);
    expect(error.message).toContain(`'${dir}/*.log'`);
  });

  test('permission denied names the user, the owner and mode, and the usual fix', async ({ dir }) => {
    const path = join(dir, 'access.log');
    await writeFile(path, 'x\n', { mode: 0o640 });
    const error = await describeAccessError(
      path,
      Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }),
    );
    expect(error).toBeInstanceOf(FileAccessError);
    expect(error.problem).toBe('permission');
    expect(error.message).toMatch(/permission denied for user .*\(uid \d+\)/);
    expect(error.message).toContain('mode 640');
    expect(error.message).toMatch(/group adm/);
  });
});
