/**
 * Starts a real moto_server (Python moto: S3, Glue, Athena APIs) on a free 127.0.0.1 port for
 * integration tests, and stops it by PID. Fails loudly with install instructions when moto is missing,
 * so a machine without it never passes these tests silently.
 */

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { freePort } from './free-port.ts';

export interface MotoServer {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  pid: number;
  /** Drops all state (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Credentials moto accepts; set on clients so the SDK never looks for real ones. */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;
export const MOTO_REGION = 'us-east-1';

/**
 * SDK client settings for a moto_server: its endpoint, the fake credentials and region, and one attempt,
 * so a failure shows instead of being retried away. S3 clients add `forcePathStyle: true`.
 */
export function motoClientConfig(endpoint: string) {
  return { endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS, maxAttempts: 1 };
}

export async function startMotoServer(): Promise<MotoServer> {
  const found = spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' });
  if (found.status !== 0) {
    throw new Error(
      'moto_server is not installed: run `pip install "moto[server]"` (Python moto ≥ 5) so the S3/Glue/Athena integration tests can start it',
    );
  }
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_DEFAULT_REGION: MOTO_REGION,
    },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok || res.status === 404) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not start within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    pid: child.pid!,
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        process.kill(child.pid!, 'SIGTERM');
        setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 3000).unref();
      }),
  };
}
