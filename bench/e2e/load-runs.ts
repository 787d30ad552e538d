/**
 * One bounded load run per setup, all alike: a fresh nginx with the JSON format, the shipper under test
 * (none, the agent, syslog-ng), `wrk -t4 -c100` against a static file, CPU and peak RSS of the shipper
 * over the load window from /proc, then a bounded drain to see whether it delivered every line.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  fileLake,
  freePort,
  type NginxServer,
  runWrk,
  STATIC_PATH,
  sleep,
  startAgent,
  startIngest,
  startNginx,
  startProcess,
  wrkErrorCount,
} from '../../harness/index.ts';
import { startHttpSink } from './http-sink.ts';
import { type LatencySummary, lakeLatency, paceRequests } from './latency.ts';
import { startCpuWindow } from './proc-stats.ts';
import { startSyslogNg } from './syslog-ng.ts';

export const TOKEN = 'bench-token-0123456789';

export interface BenchContext {
  dir: string;
  seconds: number;
  log: (line: string) => void;
}

export interface ProcessFigures {
  cpuPercent: number;
  peakRssBytes: number;
  startRssBytes: number;
}

export interface LoadRun {
  setup: string;
  rps: number;
  wrkErrors: number;
  logged: number;
  logBytes: number;
  deliveredAtLoadEnd?: number;
  delivered?: number;
  drainSeconds?: number;
  shipper?: ProcessFigures;
  /** CPU of the in-process HTTP sink during the load, for the runs that post to it. */
  sinkCpuPercent?: number;
  ingest?: ProcessFigures;
  lake?: { records: number; bytes: number; latency: LatencySummary };
  logFile: string;
}

interface Shipper {
  shipperPid?: number;
  usesSink?: boolean;
  /** A reference process that ships nothing: no drain. */
  reference?: boolean;
  ingestPid?: number;
  delivered(): Promise<number>;
  /** Figures read after the drain (lake size, latency). */
  finish?(): Promise<LoadRun['lake']>;
  stop(): Promise<void>;
}

async function loadRun(
  ctx: BenchContext,
  setup: string,
  start?: (nginx: NginxServer, dir: string) => Promise<Shipper>,
): Promise<LoadRun> {
  const dir = join(ctx.dir, setup.replace(/[^a-z0-9]+/gi, '-'));
  await mkdir(dir, { recursive: true });
  const nginx = await startNginx({ dir: join(dir, 'nginx'), format: 'json' });
  let shipper: Shipper | undefined;
  try {
    shipper = start ? await start(nginx, dir) : undefined;
    // Node needs a moment to load; measure the steady state, not the start.
    await sleep(1500);
    const shipperWindow = shipper?.shipperPid ? startCpuWindow(shipper.shipperPid) : undefined;
    const ingestWindow = shipper?.ingestPid ? startCpuWindow(shipper.ingestPid) : undefined;
    // This process hosts the HTTP sink: its CPU during the load is the sink's.
    const selfCpu = process.cpuUsage();
    const selfStart = performance.now();
    ctx.log(`${setup}: wrk -t4 -c100 -d${ctx.seconds}s ${nginx.url}${STATIC_PATH}`);
    const wrk = await runWrk({ url: `${nginx.url}${STATIC_PATH}`, durationSeconds: ctx.seconds, dir });
    const shipperFigures = shipperWindow?.end();
    const ingestFigures = ingestWindow?.end();
    const self = process.cpuUsage(selfCpu);
    const sinkCpuPercent = ((self.user + self.system) / 1e6 / ((performance.now() - selfStart) / 1000)) * 100;
    const logged = await nginx.loggedRequests();
    const run: LoadRun = {
      setup,
      rps: wrk.requestsPerSecond,
      wrkErrors: wrkErrorCount(wrk),
      logged,
      logBytes: (await stat(nginx.accessLog)).size,
      logFile: nginx.accessLog,
    };
    if (shipperFigures) run.shipper = shipperFigures;
    if (ingestFigures) run.ingest = ingestFigures;
    if (shipper?.usesSink) run.sinkCpuPercent = sinkCpuPercent;
    if (shipper && !shipper.reference) {
      run.deliveredAtLoadEnd = await shipper.delivered();
      const drainStart = performance.now();
      run.delivered = await drainUntil(shipper, logged, 60_000);
      run.drainSeconds = (performance.now() - drainStart) / 1000;
      const lake = await shipper.finish?.();
      if (lake) run.lake = lake;
    }
    ctx.log(`${setup}: ${Math.round(run.rps)} req/s, logged ${logged}, delivered ${run.delivered ?? '-'}`);
    return run;
  } finally {
    await shipper?.stop();
    await nginx.stop();
  }
}

/** Until everything logged arrived, or nothing arrived for 10 s, or the deadline. */
async function drainUntil(shipper: Shipper, expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = await shipper.delivered();
  let lastChange = Date.now();
  while (last < expected && Date.now() < deadline && Date.now() - lastChange < 10_000) {
    await sleep(500);
    const now = await shipper.delivered();
    if (now !== last) lastChange = Date.now();
    last = now;
  }
  return last;
}

export const runWithoutShipper = (ctx: BenchContext, label: string) => loadRun(ctx, label);

/** The agent as `bin/accesslake.mjs agent` (tsx), or as the single-file bundle when `bundle` is given. */
export const runAgentToSink = (ctx: BenchContext, tag = '', bundle?: string) =>
  loadRun(ctx, `accesslake agent${bundle ? ' (bundle)' : ''} → HTTP sink${tag}`, async (nginx, dir) => {
    const sink = await startHttpSink();
    const agent = startAgent({
      files: [nginx.accessLog],
      endpoint: sink.url,
      token: TOKEN,
      format: 'json',
      stateDir: join(dir, 'state'),
      batchAge: '1s',
      logFile: join(dir, 'agent.out'),
      ...(bundle ? { bundle } : {}),
    });
    return {
      shipperPid: agent.pid,
      usesSink: true,
      delivered: async () => sink.counts().lines,
      async stop() {
        await agent.stop();
        await sink.close();
      },
    };
  });

export const runSyslogNgToSink = (ctx: BenchContext, tag = '') =>
  loadRun(ctx, `syslog-ng → HTTP sink${tag}`, async (nginx, dir) => {
    const sink = await startHttpSink();
    const syslogNg = await startSyslogNg({ dir, logFile: nginx.accessLog, sinkUrl: sink.url });
    return {
      shipperPid: syslogNg.pid,
      usesSink: true,
      delivered: async () => sink.counts().lines,
      async stop() {
        await syslogNg.stop();
        await sink.close();
      },
    };
  });

/**
 * A reference, not a shipper: a Node process whose only work is an empty `fs.watch` callback on the log
 * folder. At tens of thousands of appends per second inotify wakes it for nearly every write, so this
 * row prices event-driven tailing by itself, before any reading or sending.
 */
export const runIdleWatcher = (ctx: BenchContext) =>
  loadRun(ctx, 'reference: empty fs.watch on the log folder', async (nginx, dir) => {
    const script = `let events = 0;
require('node:fs').watch(${JSON.stringify(nginx.logDir)}, () => { events++; });
process.on('SIGTERM', () => { console.log('events', events); process.exit(0); });`;
    const watcher = startProcess('watcher', process.execPath, ['-e', script], {
      logFile: join(dir, 'watcher.out'),
    });
    return {
      shipperPid: watcher.pid,
      reference: true,
      delivered: async () => 0,
      stop: () => watcher.stop(),
    };
  });

/** The agent and a real ingest with a file lake, both on this host. */
export const runAgentToIngest = (ctx: BenchContext, options: { lightLoad?: { perSecond: number } } = {}) => {
  const setup = options.lightLoad ? 'latency at light load' : 'accesslake agent → ingest (same host)';
  const starter = async (nginx: NginxServer, dir: string): Promise<Shipper> => {
    const port = await freePort();
    const lakeDir = join(dir, 'lake');
    const ingest = await startIngest({
      port,
      token: TOKEN,
      storage: lakeDir,
      logFile: join(dir, 'ingest.out'),
    });
    const agent = startAgent({
      files: [nginx.accessLog],
      endpoint: `http://127.0.0.1:${port}`,
      token: TOKEN,
      format: 'json',
      stateDir: join(dir, 'state'),
      batchAge: '1s',
      logFile: join(dir, 'agent.out'),
    });
    const lake = fileLake(lakeDir);
    return {
      shipperPid: agent.pid,
      ingestPid: ingest.pid,
      delivered: async () => (await lake.count()).records,
      async finish() {
        const count = await lake.count();
        return { records: count.records, bytes: count.bytes, latency: await lakeLatency(lake) };
      },
      async stop() {
        await agent.stop();
        await ingest.stop();
      },
    };
  };
  if (!options.lightLoad) return loadRun(ctx, setup, starter);
  return lightLoadRun(ctx, setup, options.lightLoad.perSecond, starter);
};

/** Like a load run, but paced requests from this process instead of wrk. */
async function lightLoadRun(
  ctx: BenchContext,
  setup: string,
  perSecond: number,
  start: (nginx: NginxServer, dir: string) => Promise<Shipper>,
): Promise<LoadRun> {
  const dir = join(ctx.dir, 'light-load');
  await mkdir(dir, { recursive: true });
  const nginx = await startNginx({ dir: join(dir, 'nginx'), format: 'json' });
  let shipper: Shipper | undefined;
  try {
    shipper = await start(nginx, dir);
    await sleep(1500);
    ctx.log(`${setup}: ${perSecond} req/s for 10 s`);
    const sent = await paceRequests(`${nginx.url}${STATIC_PATH}`, perSecond, 10);
    const logged = await nginx.loggedRequests();
    const delivered = await drainUntil(shipper, logged, 30_000);
    const lake = await shipper.finish?.();
    return {
      setup,
      rps: sent / 10,
      wrkErrors: 0,
      logged,
      logBytes: (await stat(nginx.accessLog)).size,
      delivered,
      logFile: nginx.accessLog,
      ...(lake ? { lake } : {}),
    };
  } finally {
    await shipper?.stop();
    await nginx.stop();
  }
}
