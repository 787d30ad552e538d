/**
 * The pipeline's parts run as child processes of the real CLI (`node bin/accesslake.mjs serve|gen|agent`),
 * each in its own process group, so a terminal's Ctrl-C reaches only `up`, which then stops them in
 * order, by PID: the generator, then the agent (it ships what is left), then ingest. Output goes to a log
 * file per part, whose last line is quoted if a part dies.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { AccessLakeError } from '../lib/errors/index.ts';

const BIN = new URL('../bin/accesslake.mjs', import.meta.url).pathname;

export interface Part {
  name: string;
  pid: number;
  logFile: string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  readonly running: boolean;
  /** SIGTERM to the group; SIGKILL after `graceMs`. Resolves when it has exited. */
  stop(graceMs?: number): Promise<number | string>;
  /** SIGKILL to the group at once (second Ctrl-C, process exit). */
  kill(): void;
  /** The last non-empty line the part wrote, for error messages. */
  lastLine(): string;
}

export function startPart(
  name: string,
  args: string[],
  options: { logFile: string; env?: Record<string, string> },
): Part {
  const out = openSync(options.logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...options.env },
  });
  let running = true;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', () => {
      running = false;
      resolve('spawn failed');
    });
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    if (!running || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  return {
    name,
    pid: child.pid ?? -1,
    logFile: options.logFile,
    exited,
    get running() {
      return running;
    },
    async stop(graceMs = 15_000) {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    kill: () => signalGroup('SIGKILL'),
    lastLine() {
      try {
        const lines = readFileSync(options.logFile, 'utf8').trim().split('\n');
        return lines.at(-1) ?? '';
      } catch {
        return '';
      }
    },
  };
}

/** Raised when a part exits on its own; carries the part's last output line. */
export class PartFailedError extends AccessLakeError {}

export function partFailed(part: Part, code: number | string): PartFailedError {
  const line = part.lastLine();
  return new PartFailedError(
    `${part.name} stopped (exit ${code})${line ? `: ${line}` : ''} (full output in ${part.logFile})`,
  );
}

/** Polls `GET /healthz` until ingest answers, the part dies, or `timeoutMs` passes. */
export async function waitForHealthy(part: Part, url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!part.running) throw partFailed(part, await part.exited);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new PartFailedError(
        `${part.name} did not answer ${url}/healthz within ${timeoutMs / 1000} s (output in ${part.logFile})`,
      );
    await new Promise((r) => setTimeout(r, 150));
  }
}
