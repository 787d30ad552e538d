/**
 * `accesslake up`: ingest (file storage in the lake folder), a traffic generator writing a realistic
 * nginx log (or a real log given with --file) and the agent shipping it with a short batch age, all on
 * 127.0.0.1, plus a live summary every few seconds. Stops cleanly on Ctrl-C or after --duration:
 * generator first, then the agent (it ships what is left), then ingest, and prints the final account.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { ConfigError } from '../lib/errors/index.ts';
import { createDuckDbEngine } from '../query/duckdb.ts';
import type { QueryEngine } from '../query/index.ts';
import { readAgentStatus } from '../shipper-agent/index.ts';
import { compactUpLake } from './compaction.ts';
import { formatSummary } from './format.ts';
import type { UpOptions } from './options.ts';
import { checkLakeWritable, checkLogReadable, checkPortFree } from './preflight.ts';
import { type Part, PartFailedError, partFailed, startPart, waitForHealthy } from './processes.ts';
import { type AgentSummary, countLake, type LakeSummary, summarizeAgent, summarizeLake } from './summary.ts';

export interface UpResult {
  /** Lines the generator appended during this run (undefined with --file). */
  linesWritten: number | undefined;
  /** This run's account: the agent's lines since this run started, the lake's records of this source. */
  agent: AgentSummary;
  lake: LakeSummary;
  /** Records in the whole lake: every run, every source. */
  lakeRecords: number;
  /** The `source` label this run's records carry. */
  source: string;
}

/**
 * The source label of a run's records: the demo's generated traffic and each real log keep apart in
 * the lake (`top-paths` of one never mixes in the other). Printable ASCII without blanks, as ingest asks.
 */
export function sourceLabel(file: string | undefined, host = hostname()): string {
  const label = file === undefined ? `up@${host}` : `up-file:${basename(file)}@${host}`;
  return label.replace(/[^\x21-\x7e]/g, '_').slice(0, 128);
}

export interface UpIo {
  /** Where the summary goes. Default: stdout. */
  print?: (text: string) => void;
  signal?: AbortSignal;
}

/** Everything `up` keeps besides the lake's data: under `<lake>/.up/`, outside the data prefix. */
export function runDir(lake: string): string {
  return join(lake, '.up');
}

export async function runUp(options: UpOptions, io: UpIo = {}): Promise<UpResult> {
  const print = io.print ?? ((text: string) => console.log(text));
  if (options.file) await checkLogReadable(options.file, options.fileLabel ?? options.file);
  await checkLakeWritable(options.lake, options.lakeLabel);
  await checkPortFree(options.port);
  if (options.dashboardPort !== undefined) {
    if (options.dashboardPort === options.port)
      throw new ConfigError('--dashboard-port: the ingest already uses this port (--port); pick another');
    await checkPortFree(options.dashboardPort, '--dashboard-port');
  }

  const dir = runDir(options.lake);
  await mkdir(join(dir, 'agent'), { recursive: true });
  const log = options.file ?? join(dir, 'access.log');
  const startOffset = options.file ? undefined : await fileSize(log);
  const source = sourceLabel(options.file);
  // The agent's state outlives runs: this run's account starts from what it says now.
  const baseline = await summarizeAgent(join(dir, 'agent'), [log]);
  const url = `http://127.0.0.1:${options.port}`;
  // A fresh token per run: only this run's agent can write to this run's ingest.
  const token = randomBytes(16).toString('hex');
  const startedAt = Date.now();
  const parts: Part[] = [];
  const killAll = () => {
    for (const part of parts) part.kill();
  };
  process.once('exit', killAll);

  let engine: QueryEngine | undefined;
  try {
    const ingest = startPart(
      'ingest',
      ['serve', '--host', '127.0.0.1', '--port', String(options.port), '--lake', options.lake],
      {
        logFile: join(dir, 'ingest.log'),
        env: { ACCESSLAKE_TOKENS: token },
      },
    );
    parts.push(ingest);
    // The dashboard boots (DuckDB, its page bundle) while ingest does; nothing waits for it, and if it
    // dies the run stops with its last line like any other part.
    let dashboardUrl: string | undefined;
    if (options.dashboardPort !== undefined) {
      parts.push(
        startPart(
          'dashboard',
          [
            'dashboard',
            '--lake',
            options.lake,
            '--host',
            '127.0.0.1',
            '--port',
            String(options.dashboardPort),
          ],
          { logFile: join(dir, 'dashboard.log') },
        ),
      );
      dashboardUrl = `http://127.0.0.1:${options.dashboardPort}`;
    }
    await waitForHealthy(ingest, url);

    let gen: Part | undefined;
    if (!options.file) {
      const genArgs = [
        'gen',
        '--output',
        log,
        '--rate',
        String(options.rate),
        '--duration',
        `${Math.ceil((options.durationMs ?? 24 * 3_600_000) / 1000)}s`,
      ];
      if (options.seed !== undefined) genArgs.push('--seed', String(options.seed));
      gen = startPart('generator', genArgs, { logFile: join(dir, 'gen.log') });
      parts.push(gen);
    }
    const agent = startPart(
      'agent',
      [
        'agent',
        '--file',
        log,
        '--endpoint',
        url,
        '--token',
        token,
        '--format',
        options.file ? options.format : 'json',
        '--state-dir',
        join(dir, 'agent'),
        '--batch-age',
        `${options.batchAgeMs}ms`,
        '--source',
        source,
      ],
      { logFile: join(dir, 'agent.log') },
    );
    parts.push(agent);
    // Until its signal handlers are in place a SIGTERM would kill the agent outright: a short --duration
    // (or an early Ctrl-C) on a busy machine must find it started. The run's clock starts then too.
    await waitForAgentStart(join(dir, 'agent'), agent, AGENT_START_TIMEOUT_MS);
    const runningSince = Date.now();

    const dashboardLine = dashboardUrl ? `\n${' '.repeat(8)}dashboard ${dashboardUrl}` : '';

    print(
      `accesslake up: ingest ${url} → lake ${options.lakeLabel} · ${options.file ? `tailing ${options.file}` : `generating ~${options.rate} req/s into ${log}`} · summary every ${options.intervalMs / 1000} s${dashboardUrl ? ` · dashboard ${dashboardUrl}` : ''}${options.durationMs ? ` · stops after ${options.durationMs / 1000} s` : ' · Ctrl-C stops'}`,
    );

    engine = await createDuckDbEngine({ lake: options.lake });
    // With --file the log's own timestamps may be old: summarize all of its source's records then.
    const rangeFrom = options.file ? new Date(0) : new Date(startedAt - 1000);
    const summarize = async () => {
      const agentSummary = await summarizeAgent(join(dir, 'agent'), [log], baseline);
      const range = { from: rangeFrom, to: new Date(Date.now() + 60_000) };
      const lake = await summarizeLake(engine!, range, source);
      return { agent: agentSummary, lake };
    };

    // Closed hours become Parquet at start and every --compact-every, beside the live pipeline.
    let nextCompaction = options.compactEveryMs > 0 ? Date.now() : Number.POSITIVE_INFINITY;
    const compactIfDue = async () => {
      if (Date.now() < nextCompaction) return;
      nextCompaction = Date.now() + options.compactEveryMs;
      const line = await compactUpLake(options.lake);
      if (line) print(line);
    };
    await compactIfDue();

    const end =
      options.durationMs === undefined ? Number.POSITIVE_INFINITY : runningSince + options.durationMs;
    const stopped = new Promise<'signal'>((resolve) => {
      if (io.signal?.aborted) resolve('signal');
      io.signal?.addEventListener('abort', () => resolve('signal'), { once: true });
    });
    const died = Promise.race(parts.map((part) => part.exited.then((code) => ({ part, code }))));
    for (;;) {
      const wait = Math.min(options.intervalMs, end - Date.now());
      if (wait <= 0) break;
      const tick = await Promise.race([sleep(wait).then(() => 'tick' as const), stopped, died]);
      if (tick === 'signal') break;
      if (typeof tick === 'object') {
        // The generator ends on its own at --duration; anything else ending is a failure.
        if (tick.part !== gen || tick.code !== 0) throw partFailed(tick.part, tick.code);
        break;
      }
      // The run's end: the final account below replaces this tick's summary.
      if (Date.now() >= end) break;
      const { agent: a, lake } = await summarize();
      print(`${formatSummary(Date.now() - runningSince, a, lake)}${dashboardLine}`);
      await compactIfDue();
    }

    // Stop in pipeline order so nothing written is left behind: generator, agent (drains), ingest.
    print(`accesslake up: stopping (${gen ? 'generator, ' : ''}agent, ingest)…`);
    if (gen?.running) await gen.stop(5000);
    // The agent stops with what it has read; let it catch up with the generator's last lines first.
    const left = await waitForDrain(join(dir, 'agent'), log, agent, options.batchAgeMs + 10_000);
    if (left > 0)
      print(`accesslake up: ${left} bytes not shipped yet; the agent sends them at the next start`);
    const agentCode = await agent.stop(20_000);
    if (agentCode !== 0) throw partFailed(agent, agentCode);
    await ingest.stop(10_000);

    const final = await summarize();
    const lakeRecords = await countLake(engine);
    const linesWritten = startOffset === undefined ? undefined : await countLinesFrom(log, startOffset);
    print(formatSummary(Date.now() - runningSince, final.agent, final.lake));
    print(finalAccount(options, linesWritten, final.agent, final.lake, lakeRecords, source));
    return { linesWritten, agent: final.agent, lake: final.lake, lakeRecords, source };
  } finally {
    for (const part of parts) if (part.running) await part.stop(5000);
    process.off('exit', killAll);
    await engine?.close();
  }
}

/**
 * The last line: this run (lines generated, shipped, rejected; the lake's records of this run or, with
 * --file, of this log's source) apart from the whole lake (every run and source).
 */
function finalAccount(
  options: UpOptions,
  linesWritten: number | undefined,
  agent: AgentSummary,
  lake: LakeSummary,
  lakeRecords: number,
  source: string,
): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const plural = (count: number, word: string) => `${n(count)} ${word}${count === 1 ? '' : 's'}`;
  const written = linesWritten === undefined ? '' : `generated ${plural(linesWritten, 'line')} · `;
  const rejected =
    agent.linesRejected > 0
      ? ` · REJECTED ${plural(agent.linesRejected, 'line')}${agent.firstRejectReason ? ` (first: ${agent.firstRejectReason})` : ''}: check --format, then \`accesslake rejects replay --lake ${options.lakeLabel} --format F\``
      : ' · 0 rejected';
  const mine = options.file
    ? `lake holds ${plural(lake.requests, 'record')} from ${options.fileLabel} (source ${source})`
    : `lake holds ${plural(lake.requests, 'record')} from this run`;
  return (
    `accesslake up: stopped cleanly · this run: ${written}agent shipped ${plural(agent.linesShipped, 'line')}${rejected} · ${mine} · ` +
    `whole lake: ${plural(lakeRecords, 'record')} (all runs and sources) · query them: accesslake query --lake ${options.lakeLabel} --named top-paths`
  );
}

/** How long the agent may take to start (load, read its state, look at the files) on a busy machine. */
const AGENT_START_TIMEOUT_MS = 60_000;

/** Resolves once the agent process `agent` has written its state (it is started and handles signals). */
async function waitForAgentStart(stateDir: string, agent: Part, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await readAgentStatus(stateDir).catch(() => undefined);
    if (status?.pid === agent.pid) return;
    if (!agent.running) throw partFailed(agent, await agent.exited);
    if (Date.now() > deadline)
      throw new PartFailedError(
        `the agent did not start within ${timeoutMs / 1000} s (output in ${agent.logFile})`,
      );
    await sleep(100);
  }
}

/** Polls the agent's status until nothing is left to ship; returns the bytes still unshipped. */
async function waitForDrain(stateDir: string, log: string, agent: Part, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { lagBytes } = await summarizeAgent(stateDir, [log]);
    if (lagBytes === 0 || !agent.running || Date.now() > deadline) return lagBytes;
    await sleep(200);
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    const handle = await open(path, 'r');
    const { size } = await handle.stat();
    await handle.close();
    return size;
  } catch {
    return 0;
  }
}

async function countLinesFrom(path: string, offset: number): Promise<number> {
  const handle = await open(path, 'r');
  try {
    let count = 0;
    const buffer = Buffer.alloc(1 << 16);
    for (let position = offset; ; ) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return count;
      for (let i = 0; i < bytesRead; i++) if (buffer[i] === 10) count++;
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
