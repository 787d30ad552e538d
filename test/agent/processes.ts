/**
 * Real processes for the agent's end-to-end tests: the real ingest (`accesslake serve` with file
 * storage), the agent (the built single-file bundle, or the CLI), an appender that writes lines the way
 * nginx does, and a reader for what reached the lake. Every process runs in its own process group and is
 * stopped by its pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { freePort } from '../../harness/index.ts';
import { jsonLine, waitFor } from './fixtures.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
export const TOKEN = 'process-test-token';

export interface Proc {
  pid: number;
  child: ChildProcess;
  /** stdout + stderr so far. */
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  kill9(): Promise<void>;
}

export function spawnProc(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(command, args, {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // already gone
    }
  };
  return {
    pid: child.pid!,
    child,
    output: () => output,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill9() {
      signal('SIGKILL');
      await exited;
    },
  };
}

export interface Ingest {
  url: string;
  port: number;
  proc: Proc;
  stop(): Promise<void>;
}

/** `accesslake serve` on 127.0.0.1 with file storage in `storage`, ready when /healthz answers. */
export async function startIngest(storage: string, port?: number): Promise<Ingest> {
  const p = port ?? (await freePort());
  const proc = spawnProc(process.execPath, [
    'bin/accesslake.mjs',
    'serve',
    '--host',
    '127.0.0.1',
    '--port',
    String(p),
    '--token',
    TOKEN,
    '--lake',
    storage,
  ]);
  const url = `http://127.0.0.1:${p}`;
  await waitFor(
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`ingest exited: ${proc.output()}`);
      return fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    },
    30_000,
    'ingest to listen',
  );
  return {
    url,
    port: p,
    proc,
    async stop() {
      await proc.stop();
    },
  };
}

/** Starts the agent: the bundle with `node` when given, else the CLI (`bin/accesslake.mjs agent`). */
export function startAgentProcess(args: string[], bundle?: string): Proc {
  const entry = bundle ? [bundle] : ['bin/accesslake.mjs', 'agent'];
  return spawnProc(process.execPath, [...entry, ...args], { ACCESSLAKE_TOKEN: TOKEN });
}

/** The `path` of every record in the lake under `storage`, sorted (duplicates kept). */
export async function lakePaths(storage: string): Promise<string[]> {
  const paths: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.jsonl.gz')) {
        for (const line of gunzipSync(await readFile(path))
          .toString('utf8')
          .split('\n')) {
          if (line) paths.push(String((JSON.parse(line) as { path: unknown }).path));
        }
      }
    }
  };
  await walk(join(storage, 'access_logs'));
  return paths.sort();
}

/** The `path` of each JSON line in a file (what nginx wrote), sorted. */
export async function filePaths(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => String((JSON.parse(l) as { path: unknown }).path))
    .sort();
}

/**
 * Writes unique JSON lines to a log like nginx: appends through an O_APPEND descriptor it keeps open,
 * a burst every `intervalMs`, until `stop()`; `reopen()` switches to the file now at the path (nginx's
 * USR1 after a rename).
 */
export async function startAppender(
  path: string,
  options: { burst: number; intervalMs: number; prefix: string; max: number },
) {
  let handle = await open(path, 'a');
  let written = 0;
  let stopped = false;
  let writing = Promise.resolve();
  const timer = setInterval(() => {
    if (stopped || written >= options.max) return;
    let text = '';
    for (let i = 0; i < options.burst && written < options.max; i++) {
      text += `${jsonLine(`/p/${options.prefix}-${written++}`)}\n`;
    }
    const h = handle;
    writing = writing.then(() => h.appendFile(text).then(() => {}));
  }, options.intervalMs);
  return {
    get written() {
      return written;
    },
    /** Every path written so far. */
    paths(): string[] {
      return Array.from({ length: written }, (_, i) => `/p/${options.prefix}-${i}`).sort();
    },
    async reopen() {
      const old = handle;
      handle = await open(path, 'a');
      // Bursts queued while opening still write to the old file, as nginx's do until it reopens.
      await writing;
      await old.close();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await writing;
      await handle.close();
    },
  };
}

/** Waits until the agent's state says every tracked file is committed to its size, nothing pending. */
export async function waitShipped(stateDir: string, log: string, timeoutMs = 30_000): Promise<void> {
  const { readAgentStatus } = await import('../../shipper-agent/status.ts');
  const { stat } = await import('node:fs/promises');
  await waitFor(
    async () => {
      const status = await readAgentStatus(stateDir).catch(() => undefined);
      const size = (await stat(log)).size;
      const active = status?.files.find((f) => f.path === log && !f.rotated);
      return (
        !!status &&
        !!active &&
        active.committed === size &&
        status.files.every((f) => f.lagBytes === 0 && !f.pending)
      );
    },
    timeoutMs,
    `the agent to ship everything in ${log}`,
  );
}
