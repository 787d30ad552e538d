/**
 * `accesslake up`: ingest (file storage in the lake folder), a traffic generator writing a realistic
 * nginx log (or a real log given with --file) and the agent shipping it with a short batch age, all on
 * 127.0.0.1, plus a live summary every few seconds. Stops cleanly on Ctrl-C or after --duration:
 * generator first, then the agent (it ships what is left), then ingest, and prints the final account.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../lib/errors/index.ts';
import { createDuckDbEngine } from '../query/engines/duckdb.ts';
import type { QueryEngine } from '../query/types.ts';
import { compactUpLake } from './compaction.ts';
import { formatSummary } from './format.ts';
import type { UpOptions } from './options.ts';
import { checkLakeWritable, checkLogReadable, checkPortFree } from './preflight.ts';
import { type Part, partFailed, startPart, waitForHealthy } from './processes.ts';
import { type AgentSummary, type LakeSummary, summarizeAgent, summarizeLake } from './summary.ts';

export interface UpResult {
  /** Lines the generator appended during this run (undefined with --file). */
  linesWritten: number | undefined;
  agent: AgentSummary;
  lake: LakeSummary;
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
      ['serve', '--host', '127.0.0.1', '--port', String(options.port), '--storage', options.lake],
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
        `up@${hostname()}`,
      ],
      { logFile: join(dir, 'agent.log') },
    );
    parts.push(agent);

    const dashboardLine = dashboardUrl ? `\n${' '.repeat(8)}dashboard ${dashboardUrl}` : '';

    print(
      `accesslake up: ingest ${url} → lake ${options.lakeLabel} · ${options.file ? `tailing ${options.file}` : `generating ~${options.rate} req/s into ${log}`} · summary every ${options.intervalMs / 1000} s${dashboardUrl ? ` · dashboard ${dashboardUrl}` : ''}${options.durationMs ? ` · stops after ${options.durationMs / 1000} s` : ' · Ctrl-C stops'}`,
    );

    engine = await createDuckDbEngine({ lake: options.lake });
    // With --file the log's own timestamps may be old: summarize everything in the lake then.
    const rangeFrom = options.file ? new Date(0) : new Date(startedAt - 1000);
    const summarize = async () => {
      const agentSummary = await summarizeAgent(join(dir, 'agent'));
      const lake = await summarizeLake(engine!, { from: rangeFrom, to: new Date(Date.now() + 60_000) });
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

    const end = options.durationMs === undefined ? Number.POSITIVE_INFINITY : startedAt + options.durationMs;
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
      print(`${formatSummary(Date.now() - startedAt, a, lake)}${dashboardLine}`);
      await compactIfDue();
    }

    // Stop in pipeline order so nothing written is left behind: generator, agent (drains), ingest.
    print(`accesslake up: stopping (${gen ? 'generator, ' : ''}agent, ingest)…`);
    if (gen?.running) await gen.stop(5000);
    // The agent stops with what it has read; let it catch up with the generator's last lines first.
    const left = await waitForDrain(join(dir, 'agent'), agent, options.batchAgeMs + 10_000);
    if (left > 0)
      print(`accesslake up: ${left} bytes not shipped yet; the agent sends them at the next start`);
    const agentCode = await agent.stop(20_000);
    if (agentCode !== 0) throw partFailed(agent, agentCode);
    await ingest.stop(10_000);

    const final = await summarize();
    const linesWritten = startOffset === undefined ? undefined : await countLinesFrom(log, startOffset);
    print(formatSummary(Date.now() - startedAt, final.agent, final.lake));
    const written = linesWritten === undefined ? '' : `generated ${linesWritten} lines · `;
    print(
      `accesslake up: stopped cleanly · ${written}agent shipped ${final.agent.linesShipped} in total · lake holds ${final.lake.requests} records ${options.file ? 'in all' : 'from this run'} · query them: accesslake query --lake ${options.lakeLabel} --named top-paths`,
    );
    return { linesWritten, agent: final.agent, lake: final.lake };
  } finally {
    for (const part of parts) if (part.running) await part.stop(5000);
    process.off('exit', killAll);
    await engine?.close();
  }
}

/** Polls the agent's status until nothing is left to ship; returns the bytes still unshipped. */
async function waitForDrain(stateDir: string, agent: Part, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { lagBytes } = await summarizeAgent(stateDir);
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
