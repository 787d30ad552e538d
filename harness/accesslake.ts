/**
 * The project's own processes, started the way users start them: `node bin/accesslake.mjs serve|agent`.
 * Each is one Node process (the bin registers tsx in-process), so its PID is the one whose CPU and memory
 * the benchmark reads and the one `kill -9` hits.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { MOTO_CREDENTIALS, MOTO_REGION } from './moto.ts';
import { type ManagedProcess, startProcess, waitFor } from './process.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '..');
const BIN = join(REPO_ROOT, 'bin/accesslake.mjs');

export interface IngestOptions {
  port: number;
  token: string;
  /** A folder, or `s3://bucket/prefix` with `s3Endpoint`. */
  storage: string;
  s3Endpoint?: string;
  logFile: string;
}

/** Starts `accesslake serve` and waits for `/healthz`. */
export async function startIngest(options: IngestOptions): Promise<ManagedProcess> {
  const args = [BIN, 'serve', '--host', '127.0.0.1', '--port', String(options.port)];
  args.push('--token', options.token, '--lake', options.storage, '--log-level', 'warn');
  if (options.s3Endpoint) args.push('--s3-endpoint', options.s3Endpoint);
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_REGION: MOTO_REGION,
  };
  const proc = startProcess('ingest', process.execPath, args, { logFile: options.logFile, env });
  try {
    await waitFor(
      'ingest /healthz',
      async () => {
        if (!proc.isRunning()) throw new Error(`ingest exited: ${proc.outputTail()}`);
        const res = await fetch(`http://127.0.0.1:${options.port}/healthz`);
        return res.ok ? true : undefined;
      },
      { timeoutMs: 20_000 },
    );
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return proc;
}

export interface AgentOptions {
  files: string[];
  endpoint: string;
  token: string;
  format: string;
  stateDir: string;
  batchAge?: string;
  batchBytes?: string;
  source?: string;
  logFile: string;
  /** Run this single-file bundle (`npm run build:agent`) instead of `bin/accesslake.mjs agent`. */
  bundle?: string;
  /** `--log-level`; `debug` adds the `position` lines test/chaos reads. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** Starts `accesslake agent`; it runs until stopped. */
export function startAgent(options: AgentOptions): ManagedProcess {
  const args = options.bundle ? [options.bundle] : [BIN, 'agent'];
  for (const file of options.files) args.push('--file', file);
  args.push('--endpoint', options.endpoint, '--token', options.token, '--format', options.format);
  args.push('--state-dir', options.stateDir, '--source', options.source ?? 'e2e');
  if (options.batchAge) args.push('--batch-age', options.batchAge);
  if (options.batchBytes) args.push('--batch-bytes', options.batchBytes);
  if (options.logLevel) args.push('--log-level', options.logLevel);
  return startProcess('agent', process.execPath, args, { logFile: options.logFile });
}

/** The parts of `accesslake agent status --json` the e2e run reads. */
export interface AgentStatusSummary {
  running: boolean;
  totals: { linesShipped: number; lagBytes: number; bytesLost: number; linesRejected: number };
  files: Array<{ path: string; rotated: boolean; lagBytes: number; pending: unknown }>;
}

/** Runs `accesslake agent status --state-dir DIR --json`; throws with its output when it fails. */
export function agentStatus(stateDir: string): Promise<AgentStatusSummary> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'agent', 'status', '--state-dir', stateDir, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`agent status exited with ${code}: ${stderr}${stdout}`));
      try {
        resolve(JSON.parse(stdout) as AgentStatusSummary);
      } catch (error) {
        reject(new Error(`agent status --json printed no JSON: ${stdout}`, { cause: error }));
      }
    });
  });
}
