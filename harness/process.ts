/**
 * Real processes for the end-to-end tests: each starts in its own process group with its output in a
 * file, and is stopped by its PID (the group), never by name. Every process started here is tracked, so
 * `stopAllProcesses()` in an `afterAll` leaves nothing running when a test fails half-way.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface ManagedProcess {
  name: string;
  pid: number;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
  isRunning(): boolean;
  /** SIGKILL to the whole group, then waits for the exit: a crash with no chance to clean up. */
  kill9(): Promise<void>;
  /** SIGTERM to the group, SIGKILL after `graceMs`; waits for the exit. */
  stop(graceMs?: number): Promise<void>;
  /** Sends a signal to the process itself (not the group), e.g. nginx's SIGUSR1 to reopen logs. */
  signal(sig: NodeJS.Signals): void;
  /** The last `maxChars` characters of its stdout + stderr, for failure messages. */
  outputTail(maxChars?: number): string;
}

export interface StartOptions {
  /** stdout and stderr are appended to this file. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const running = new Set<ManagedProcess>();

/** Starts `command args…` detached in its own process group. */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: StartOptions,
): ManagedProcess {
  const fd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: options.env ?? process.env,
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  let exitValue: number | string | undefined;
  const exited = new Promise<number | string>((resolve) => {
    child.once('error', (error) => {
      exitValue = `spawn error: ${error.message}`;
      resolve(exitValue);
    });
    child.once('exit', (code, sig) => {
      exitValue = code ?? sig ?? 'unknown';
      resolve(exitValue);
    });
  });

  const killGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // the group is already gone
    }
  };

  const managed: ManagedProcess = {
    name,
    pid,
    exited,
    isRunning: () => exitValue === undefined,
    async kill9() {
      killGroup('SIGKILL');
      await exited;
      running.delete(managed);
    },
    async stop(graceMs = 5000) {
      if (exitValue === undefined) {
        killGroup('SIGTERM');
        const timer = setTimeout(() => killGroup('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      running.delete(managed);
    },
    signal(sig) {
      process.kill(pid, sig);
    },
    outputTail(maxChars = 3000) {
      try {
        return readFileSync(options.logFile, 'utf8').slice(-maxChars);
      } catch {
        return '';
      }
    },
  };
  running.add(managed);
  return managed;
}

/** Stops every process this module started that is still tracked. */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop(2000)));
}

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 15_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await sleep(intervalMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
