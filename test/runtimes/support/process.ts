/**
 * Starts a runtime as a real process in its own process group, waits until it says where it listens
 * (a JSON log line with `url`) or answers GET /healthz, and stops the whole group by its PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface RunningRuntime {
  name: string;
  url: string;
  pid: number;
  /** The last lines the process wrote, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** When the process does not log its URL (workerd), the URL to poll on /healthz. */
  url?: string;
  timeoutMs?: number;
}

export async function spawnRuntime(options: SpawnOptions): Promise<RunningRuntime> {
  const child: ChildProcess = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group: stop() kills the tree (tsx, deno's workers)
  });
  let tail = '';
  let announced: string | undefined;
  const onData = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-8000);
    for (const line of chunk.toString().split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const parsed = JSON.parse(line) as { url?: unknown; message?: unknown };
        if (typeof parsed.url === 'string' && /listening/.test(String(parsed.message)))
          announced = parsed.url;
      } catch {
        // not a log line
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      process.kill(-child.pid!, 'SIGTERM');
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
      }, 3000).unref();
    });

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`${options.name} exited with ${child.exitCode} before listening:\n${tail}`);
    }
    const url = announced ?? options.url;
    if (url && (await healthy(url))) {
      return { name: options.name, url, pid: child.pid!, output: () => tail, stop };
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `${options.name} did not answer /healthz within ${options.timeoutMs ?? 30_000} ms:\n${tail}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}
