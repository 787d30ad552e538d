/**
 * Checks made before anything starts, each failing with one line that says how to fix it: the port is
 * free on 127.0.0.1, the lake folder is writable, and a `--file` to tail exists and is readable.
 */
import { constants } from 'node:fs';
import { access, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ConfigError } from '../lib/errors/index.ts';

/** `flag` names the option to change in the message (`--port`, `--dashboard-port`). */
export async function checkPortFree(port: number, flag = '--port'): Promise<void> {
  const error = await tryListen(port);
  if (!error) return;
  if (error.code === 'EADDRINUSE') {
    const free = await findFreePort(port + 1, port + 20);
    const suggestion = free === undefined ? `pass ${flag} with another port` : `pass ${flag} ${free}`;
    throw new ConfigError(`port ${port} on 127.0.0.1 is in use: stop what listens there or ${suggestion}`, {
      cause: error,
    });
  }
  if (error.code === 'EACCES')
    throw new ConfigError(
      `no permission to listen on 127.0.0.1:${port}: pass ${flag} with a port above 1023`,
      { cause: error },
    );
  throw new ConfigError(
    `cannot listen on 127.0.0.1:${port} (${error.code}): pass ${flag} with another port`,
    {
      cause: error,
    },
  );
}

export async function checkLakeWritable(lake: string, label: string): Promise<void> {
  const probe = join(lake, `.accesslake-write-test-${process.pid}`);
  try {
    await mkdir(lake, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'ENOTDIR' || code === 'EEXIST'
          ? 'a file is in the way'
          : code === 'EROFS'
            ? 'read-only file system'
            : code;
    throw new ConfigError(
      `the lake folder ${label} is not writable (${why}): fix its permissions or pass --lake with a writable folder`,
      { cause: error },
    );
  }
}

export async function checkLogReadable(file: string, label: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(file)).isFile();
    await access(file, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code;
    throw new ConfigError(
      `--file ${label}: ${why}: pass the path of an existing nginx access log, or leave out --file to generate traffic`,
      { cause: error },
    );
  }
  if (!isFile)
    throw new ConfigError(
      `--file ${label}: not a regular file: pass the path of an nginx access log (not a folder)`,
    );
}

function tryListen(port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(undefined)));
  });
}

async function findFreePort(from: number, to: number): Promise<number | undefined> {
  for (let port = from; port <= Math.min(to, 65535); port++) if (!(await tryListen(port))) return port;
  return undefined;
}
