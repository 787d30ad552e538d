/**
 * The shipper-agent's contract for everything outside it (the CLI's `agent` command, `up`, benches,
 * other modules' tests): tails nginx access logs by byte offset and delivers every line to ingest exactly
 * once, through crashes, ingest outages and log rotation (docs/agent.md). Outsiders import this file only
 * (checked by dependency-cruiser); the bundler `build.ts` is the one other entry, apart so that the agent
 * bundle never loads esbuild.
 *
 * Inside, split like Vector's file source (`lib/file-source`): `finding/` (paths, globs, rotated
 * siblings, scan candidates), `identity/` (dev+inode, fingerprint, checksums), `reading/` (lines from
 * byte ranges, the format choice), `rotation/` (one state machine per tracked file and the tracker that
 * carries it out), `batching/` (when a batch is due, building it), `delivery/` (HTTP to ingest through
 * the wire contract), `state/` (the state schema, its durable file, the lock, stopped files, failing
 * batches), `wake/` (file-system events and the wake-up policy); `loop/` ties them together.
 *
 * @example
 *   const agent = await startAgent({ files: ['/var/log/nginx/access.log'], endpoint: 'http://127.0.0.1:8080',
 *     token: process.env.ACCESSLAKE_TOKEN!, stateDir: '/var/lib/accesslake/agent' });
 *   process.once('SIGTERM', () => agent.stop());
 *   await agent.finished;
 */
import { loadGzipCodec } from '../lib/gzip/index.ts';
import { createSender } from './delivery/sender.ts';
import { AgentLoop } from './loop/agent-loop.ts';
import { type AgentOptions, resolveAgentOptions } from './options.ts';
import { AUTO_FORMAT } from './reading/format-choice.ts';
import type { AgentStatus } from './status.ts';

export { type AgentConfig, defaultStateDir, resolveAgentConfig } from './config.ts';
export type { HttpAnswer, HttpTransport } from './delivery/http-transport.ts';
export { AuthRejectedError, FileAccessError, IngestRejectedError, StateError } from './errors.ts';
export { AGENT_DEFAULTS, type AgentOptions, resolveAgentOptions } from './options.ts';
export { AGENT_SETTINGS } from './settings.ts';
export type { AgentState, FileEntry, PendingRange } from './state/schema.ts';
export { type AgentStatus, type FileStatus, formatStatus, readAgentStatus } from './status.ts';

export interface RunningAgent {
  /** Sends the complete lines read so far (bounded by `shutdownTimeoutMs`), saves the state, stops. */
  stop(): Promise<void>;
  /** The live status: offsets, lag, lines shipped. */
  status(): AgentStatus;
  /** Resolves when the agent stopped after `stop()`; rejects with the error that stopped it otherwise. */
  finished: Promise<void>;
}

/**
 * Starts an agent. Rejects at once for bad options (ConfigError), a state directory in use or unreadable
 * (StateError); a wrong token or wrong endpoint rejects `finished` shortly after.
 */
export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const o = resolveAgentOptions(options);
  const gzip = o.gzip ?? (await loadGzipCodec());
  const sender = createSender({
    endpoint: o.endpoint,
    token: o.token,
    // The start-up access check's empty batch needs a format ingest knows; any will do.
    format: o.format === AUTO_FORMAT ? 'json' : o.format,
    source: o.source,
    requestTimeoutMs: o.requestTimeoutMs,
    retryBaseMs: o.retryBaseMs,
    retryMaxMs: o.retryMaxMs,
    logger: o.logger,
    ...(o.transport ? { transport: o.transport } : {}),
  });
  const loop = new AgentLoop(o, { sender, gzip, logger: o.logger, ...(o.watch ? { watch: o.watch } : {}) });
  await loop.start();
  return {
    stop: () => loop.stop(),
    status: () => loop.status(),
    finished: loop.finished,
  };
}
