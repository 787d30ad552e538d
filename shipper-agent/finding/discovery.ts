/**
 * Finding the files to tail: expands the configured paths and globs, and checks each match is a regular
 * file the agent may read. The problems people hit get a message that names the fix: the official nginx
 * image's `access.log -> /dev/stdout` symlink, a directory, no permission, a compressed rotated log.
 * A missing file is not an error: the agent waits for it.
 */
import { constants, fstatSync, type Stats } from 'node:fs';
import { type FileHandle, lstat, open, readlink, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { expandGlob, globBase, hasMagic } from '../../lib/glob/index.ts';
import { FileAccessError } from '../errors.ts';

/** A path or glob to tail, with the format of its lines. */
export interface FileSpec {
  path: string;
  format: string;
}

export interface PathPattern {
  /** Absolute path or glob. */
  pattern: string;
  format: string;
  glob: boolean;
  /** The directory whose events can make a new match appear: watched with inotify. */
  watchDir: string;
}

export function compilePatterns(specs: readonly FileSpec[], cwd = process.cwd()): PathPattern[] {
  return specs.map(({ path, format }) => {
    const pattern = isAbsolute(path) ? path : resolve(cwd, path);
    const glob = hasMagic(pattern);
    return { pattern, format, glob, watchDir: glob ? globBase(pattern) : dirname(pattern) };
  });
}

/**
 * Every path the patterns match now, with its format (the first pattern matching a path names it).
 * A literal path is always there, so that its absence can be reported.
 */
export async function expandPatterns(patterns: readonly PathPattern[]): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const p of patterns) {
    for (const path of await expandGlob(p.pattern)) if (!paths.has(path)) paths.set(path, p.format);
  }
  return paths;
}

export type Probe =
  | { kind: 'file'; path: string; stats: Stats }
  | { kind: 'missing'; path: string }
  | { kind: 'unusable'; path: string; error: FileAccessError };

/** What is at `path` now, following symlinks. Never throws for the path's own problems. */
export async function probePath(path: string): Promise<Probe> {
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing', path };
    return { kind: 'unusable', path, error: await describeAccessError(path, error) };
  }
  const trap = await outputTrap(path, stats);
  if (trap) return { kind: 'unusable', path, error: trap };
  if (!stats.isFile()) return { kind: 'unusable', path, error: await notRegularError(path, stats) };
  return { kind: 'file', path, stats };
}

/** Where a process's own output lives: /dev/stdout, /dev/stderr, /dev/fd/N, /proc/<pid>/fd/N. */
const OUTPUT_PATH = /^\/(dev\/(stdout|stderr|stdin|fd\/\d+|tty\w*|console|pts\/\d+)|proc\/[^/]+\/fd\/\d+)$/;
const MAX_SYMLINK_HOPS = 40;

/**
 * The stdout trap: a log path that leads to a process's output rather than to a log file (the official
 * nginx image links access.log to /dev/stdout). Judged by where the path resolves, whatever the target
 * is: through /dev/stdout, /dev/stderr, /dev/fd/N or /proc/…/fd/N, to a terminal, or to this agent's
 * own stdout/stderr (a regular file when its output is redirected to one: tailing it would ship the
 * agent's own log lines back to itself, forever).
 */
export async function outputTrap(path: string, stats: Stats): Promise<FileAccessError | undefined> {
  const hop = await outputHop(path);
  const own = ownOutputs().find((o) => o.dev === stats.dev && o.ino === stats.ino);
  if (!hop && !own) return undefined;
  const direct = await symlinkTarget(path);
  const where = !hop
    ? `${path} is this agent's own ${own!.name}`
    : direct && resolve(dirname(path), direct) === hop
      ? `${path} is a symlink to ${hop}`
      : `${path} leads to ${hop}`;
  return new FileAccessError(
    path,
    'stdout',
    `${where}, the output of a process, not a log file: nginx writes this log to the process output ` +
      '(the official nginx Docker image links access.log to /dev/stdout), so there is nothing to tail, ' +
      "and tailing it could ship the agent's own output in a loop. " +
      'Fix: make nginx write a real file, e.g. `access_log /var/log/nginx/access.json.log json;` in ' +
      'nginx.conf, or remove the symlink (`RUN rm /var/log/nginx/access.log` in your Dockerfile), and ' +
      'share /var/log/nginx with the agent through a volume.',
  );
}

/** The first step of the path's symlink chain that is a process's output, or undefined. */
async function outputHop(path: string): Promise<string | undefined> {
  let current = resolve(path);
  for (let hop = 0; hop < MAX_SYMLINK_HOPS; hop++) {
    if (OUTPUT_PATH.test(current)) return current;
    let target: string;
    try {
      if (!(await lstat(current)).isSymbolicLink()) return undefined;
      target = await readlink(current);
    } catch {
      return undefined;
    }
    current = resolve(dirname(current), target);
  }
  return undefined;
}

let outputs: Array<{ name: string; dev: number; ino: number }> | undefined;

/** This process's stdout and stderr, by dev+inode (read once: they do not change while it runs). */
function ownOutputs(): Array<{ name: string; dev: number; ino: number }> {
  if (!outputs) {
    outputs = [];
    for (const [fd, name] of [
      [1, 'stdout'],
      [2, 'stderr'],
    ] as const) {
      try {
        const s = fstatSync(fd);
        outputs.push({ name, dev: s.dev, ino: s.ino });
      } catch {
        // closed: nothing to compare with
      }
    }
  }
  return outputs;
}

/** Opens a probed file for reading; errors become {@link FileAccessError}s with the fix. */
export async function openLog(path: string): Promise<FileHandle> {
  try {
    // O_NOATIME where allowed would save inode writes; it needs file ownership, so plain O_RDONLY.
    return await open(path, constants.O_RDONLY);
  } catch (error) {
    throw await describeAccessError(path, error);
  }
}

async function notRegularError(path: string, stats: Stats): Promise<FileAccessError> {
  const target = await symlinkTarget(path);
  if (target && /^\/(dev|proc)\//.test(target)) {
    return new FileAccessError(
      path,
      'stdout',
      `${path} is a symlink to ${target}, not a file: nginx writes this log to the process output ` +
        '(the official nginx Docker image links access.log to /dev/stdout), so there is nothing to tail. ' +
        'Fix: make nginx write a real file, e.g. `access_log /var/log/nginx/access.json.log json;` in ' +
        'nginx.conf, or remove the symlink (`RUN rm /var/log/nginx/access.log` in your Dockerfile), and ' +
        'share /var/log/nginx with the agent through a volume.',
    );
  }
  const kind = stats.isDirectory()
    ? 'directory'
    : stats.isFIFO()
      ? 'named pipe'
      : stats.isCharacterDevice()
        ? 'character device'
        : stats.isSocket()
          ? 'socket'
          : 'special file';
  const fix = stats.isDirectory()
    ? `pass the log file inside it (--file ${path}/access.log) or a glob (--file '${path}/*.log')`
    : "pass the path of the file nginx's access_log writes (e.g. --file /var/log/nginx/access.log)";
  return new FileAccessError(path, 'not-regular', `${path} is a ${kind}, not a regular file: ${fix}`);
}

/** Where a symlink points, one level, or undefined. */
async function symlinkTarget(path: string): Promise<string | undefined> {
  try {
    if (!(await lstat(path)).isSymbolicLink()) return undefined;
    return await readlink(path);
  } catch {
    return undefined;
  }
}

/** Turns an fs error on a log path into a message that names the fix. */
export async function describeAccessError(path: string, error: unknown): Promise<FileAccessError> {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') {
    const owner = await stat(path).then(
      (s) => ` (owner uid ${s.uid}, group gid ${s.gid}, mode ${(s.mode & 0o777).toString(8)})`,
      () => '',
    );
    return new FileAccessError(
      path,
      'permission',
      `cannot read ${path}${owner}: permission denied for user ${currentUser()}. nginx logs are ` +
        'usually root:adm with mode 640: run the agent in group adm (`usermod -aG adm <user>`), ' +
        'or as root, or give its user read access to the file and search access to its directory',
      { cause: error },
    );
  }
  return new FileAccessError(path, 'other', `cannot read ${path}: ${(error as Error).message}`, {
    cause: error,
  });
}

/** The error for a gzip-compressed file that a glob matched (a rotated `access.log.2.gz`). */
export function compressedFileError(path: string): FileAccessError {
  return new FileAccessError(
    path,
    'compressed',
    `${path} is gzip-compressed (a rotated log?): skipped, only plain-text logs are tailed; narrow the glob to exclude it`,
  );
}

function currentUser(): string {
  try {
    const info = userInfo();
    return `${info.username} (uid ${info.uid})`;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}
