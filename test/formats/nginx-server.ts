/**
 * Runs a real nginx (Debian package `nginx`, see .ci/apt-packages.txt) from a temp prefix on 127.0.0.1,
 * in the foreground and in its own process group, and stops it by that PID. Fails loudly when nginx is
 * missing so a machine without it never passes the real-output tests silently.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';

export interface NginxProcess {
  pid: number;
  stop(): Promise<void>;
}

export function nginxBinary(): string {
  for (const candidate of ['/usr/sbin/nginx', 'nginx']) {
    if (spawnSync(candidate, ['-v']).status === 0) return candidate;
  }
  throw new Error(
    'nginx is not installed: run `apt-get install -y nginx` (the real-output format tests need it)',
  );
}

/** Writes `nginx.conf` into `prefix` and starts nginx; resolves once `port` accepts connections. */
export async function startNginx(prefix: string, conf: string, port: number): Promise<NginxProcess> {
  const binary = nginxBinary();
  const confPath = join(prefix, 'nginx.conf');
  await writeFile(confPath, conf);
  const errorLog = join(prefix, 'error.log');
  const test = spawnSync(binary, ['-t', '-p', prefix, '-c', confPath, '-e', errorLog], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx -t rejected the test config:\n${test.stderr}`);

  const child: ChildProcess = spawn(
    binary,
    ['-p', prefix, '-c', confPath, '-e', errorLog, '-g', 'daemon off; master_process on;'],
    { detached: true, stdio: 'ignore' },
  );
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      killGroup(child);
      const log = await readFile(errorLog, 'utf8').catch(() => '');
      throw new Error(`nginx did not start on 127.0.0.1:${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        // SIGQUIT: graceful shutdown, workers finish writing their log lines first.
        process.kill(-child.pid!, 'SIGQUIT');
        setTimeout(() => killGroup(child), 3000).unref();
      }),
  };
}

function killGroup(child: ChildProcess): void {
  if (child.exitCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Sends raw request bytes on a fresh connection and resolves with the raw response once the server
 * closes it, so a test controls every byte of the request line and headers (curl would fix them up).
 */
export function rawRequest(
  port: number,
  request: Uint8Array | string,
  options: { halfClose?: boolean } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('raw request timed out')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.once('error', reject);
    socket.once('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    // write, not end: a half-closed connection makes nginx log 499 (client gone) for a proxied request.
    // halfClose: for bytes that are no complete request (nothing, a TLS handshake), so nginx sees the end
    // of input and logs its 400 at once instead of waiting for client_header_timeout.
    const bytes = typeof request === 'string' ? Buffer.from(request, 'latin1') : request;
    if (options.halfClose) socket.end(bytes);
    else socket.write(bytes);
  });
}
