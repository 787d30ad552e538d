/**
 * The faulted load run shared by the e2e tests: real nginx under `wrk -t4 -c100`, the agent and the
 * ingest as real processes, and during the load two rename rotations (one while the agent is dead), one
 * copytruncate rotation, three `kill -9` of the agent and one of the ingest. Afterwards it waits for the
 * agent to drain and compares the lake with every log file line by line.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  type AgentStatusSummary,
  agentStatus,
  fileLake,
  freePort,
  type LakeCount,
  type LakeReader,
  type ManagedProcess,
  MOTO_CREDENTIALS,
  MOTO_REGION,
  type MotoServer,
  type NginxLogFormat,
  runWrk,
  STATIC_PATH,
  s3Lake,
  sleep,
  startAgent,
  startIngest,
  startNginx,
  type WrkResult,
} from '../../../harness/index.ts';
import { type Comparison, compareMultisets } from './compare.ts';
import { readLoggedLines } from './log-lines.ts';
import { rotateWithLogrotate } from './logrotate.ts';

export interface ScenarioOptions {
  /** An empty folder for everything the run writes. */
  dir: string;
  format: NginxLogFormat;
  /** `file`: a lake folder; otherwise S3 in moto. */
  storage: { kind: 'file' } | { kind: 's3'; moto: MotoServer; bucket: string };
  loadSeconds: number;
  /** Upper bound for the drain after the load. */
  drainTimeoutSeconds?: number;
  /** Progress lines (the test prints them, so a CI log tells the story of the run). */
  log?: (line: string) => void;
}

export interface ScenarioResult {
  wrk: WrkResult;
  /** Requests nginx counted as logged (stub_status). */
  nginxLogged: number;
  /** Lines found in all access log files. */
  fileLines: number;
  files: string[];
  /** Lines nginx logged that no file holds: copytruncate's window. */
  copytruncateWindow: number;
  lake: LakeCount;
  comparison: Comparison;
  drainSeconds: number;
  agentStillRunning: boolean;
  /** `agent status --json` once drained. */
  agentStatus: AgentStatusSummary;
  /** The agent's exit on SIGTERM after the drain: 0 expected. */
  agentExit: number | string;
  /** Lake records after one more start and clean stop of the agent: nothing may be sent again. */
  recordsAfterRestart: number;
  events: string[];
  agentOutput: string;
  ingestOutput: string;
}

const TOKEN = 'e2e-token-0123456789';

export async function runFaultedLoad(options: ScenarioOptions): Promise<ScenarioResult> {
  const log = options.log ?? (() => {});
  const dirs = {
    nginx: join(options.dir, 'nginx'),
    state: join(options.dir, 'agent-state'),
    lake: join(options.dir, 'lake'),
    work: join(options.dir, 'work'),
  };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });

  const started = Date.now();
  const events: string[] = [];
  const event = (what: string) => {
    const line = `+${((Date.now() - started) / 1000).toFixed(1)}s ${what}`;
    events.push(line);
    log(line);
  };

  let storage: string;
  let lake: LakeReader;
  let s3Endpoint: string | undefined;
  if (options.storage.kind === 's3') {
    const { moto, bucket } = options.storage;
    const s3 = new S3Client({
      endpoint: moto.endpoint,
      region: MOTO_REGION,
      forcePathStyle: true,
      credentials: MOTO_CREDENTIALS,
    });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    storage = `s3://${bucket}/e2e`;
    s3Endpoint = moto.endpoint;
    lake = s3Lake(moto.endpoint, bucket, 'e2e');
  } else {
    storage = dirs.lake;
    lake = fileLake(dirs.lake);
  }

  const nginx = await startNginx({ dir: dirs.nginx, format: options.format });
  const ingestPort = await freePort();
  const ingestOptions = {
    port: ingestPort,
    token: TOKEN,
    storage,
    ...(s3Endpoint ? { s3Endpoint } : {}),
    logFile: join(dirs.work, 'ingest.out'),
  };
  let ingest: ManagedProcess | undefined;
  let agent: ManagedProcess | undefined;
  const launchAgent = () =>
    startAgent({
      files: [nginx.accessLog],
      endpoint: `http://127.0.0.1:${ingestPort}`,
      token: TOKEN,
      format: options.format,
      stateDir: dirs.state,
      batchAge: '1s',
      logFile: join(dirs.work, 'agent.out'),
    });

  try {
    ingest = await startIngest(ingestOptions);
    agent = launchAgent();
    event(
      `nginx ${nginx.process.pid}, ingest ${ingest.pid}, agent ${agent.pid} started (${options.format}, ${storage})`,
    );

    const t = (fraction: number) => fraction * options.loadSeconds * 1000;
    const rotate = async (mode: 'rename' | 'copytruncate') => {
      await rotateWithLogrotate({
        logFile: nginx.accessLog,
        mode,
        nginxPid: nginx.process.pid,
        dir: dirs.work,
      });
      event(`logrotate ${mode}`);
    };
    const killAgent = async (n: number) => {
      await agent!.kill9();
      event(`kill -9 agent (#${n})`);
    };
    const restartAgent = () => {
      agent = launchAgent();
      event(`agent restarted (${agent.pid})`);
    };
    const steps: Array<{ at: number; run: () => Promise<void> }> = [
      {
        at: t(0.1),
        run: async () => {
          await killAgent(1);
          await sleep(1000);
          restartAgent();
        },
      },
      { at: t(0.22), run: () => rotate('rename') },
      {
        at: t(0.32),
        run: async () => {
          await ingest!.kill9();
          event('kill -9 ingest');
          await sleep(2000);
          ingest = await startIngest(ingestOptions);
          event(`ingest restarted (${ingest.pid})`);
        },
      },
      // A rotation while the agent is dead: on restart it must find the renamed file by its identity.
      {
        at: t(0.48),
        run: async () => {
          await killAgent(2);
          await rotate('rename');
          await sleep(1000);
          restartAgent();
        },
      },
      { at: t(0.64), run: () => rotate('copytruncate') },
      {
        at: t(0.78),
        run: async () => {
          await killAgent(3);
          await sleep(1000);
          restartAgent();
        },
      },
    ];

    event(`wrk -t4 -c100 -d${options.loadSeconds}s`);
    const wrkRun = runWrk({
      url: `${nginx.url}${STATIC_PATH}`,
      durationSeconds: options.loadSeconds,
      dir: dirs.work,
      uniquePaths: true,
    });
    const loadStart = Date.now();
    const faults = (async () => {
      for (const step of steps) {
        const wait = loadStart + step.at - Date.now();
        if (wait > 0) await sleep(wait);
        await step.run();
      }
    })();
    const [wrk] = await Promise.all([wrkRun, faults]);
    event(`wrk done: ${wrk.requests} requests, ${wrk.requestsPerSecond.toFixed(0)} req/s`);

    const nginxLogged = await nginx.loggedRequests();
    const logged = await readLoggedLines(nginx.logDir, options.format);
    const copytruncateWindow = nginxLogged - logged.lines;
    event(`nginx logged ${nginxLogged}; files hold ${logged.lines} lines in ${logged.files.join(', ')}`);

    const drainStart = Date.now();
    const count = await drain(lake, logged.lines, (options.drainTimeoutSeconds ?? 150) * 1000, {
      alive: () => agent!.isRunning(),
      status: () => agentStatus(dirs.state),
    });
    const drainSeconds = (Date.now() - drainStart) / 1000;
    event(
      `drained in ${drainSeconds.toFixed(1)}s: lake holds ${count.records} records in ${count.objects} objects`,
    );
    const status = await agentStatus(dirs.state);
    const totals = status.totals;
    event(
      `agent status: ${totals.linesShipped} lines shipped, lag ${totals.lagBytes} B, ${totals.bytesLost} B lost before shipping`,
    );
    const agentStillRunning = agent.isRunning();
    const agentOutput = agent.outputTail();

    // A clean stop, then one more start and stop: everything is committed, so nothing may be sent again.
    await agent.stop(15_000);
    const agentExit = await agent.exited;
    restartAgent();
    await sleep(3000);
    await agent.stop(15_000);
    const recordsAfterRestart = (await lake.count()).records;
    event(
      `agent stopped (exit ${agentExit}), started and stopped again: lake holds ${recordsAfterRestart} records`,
    );

    const comparison = await compareMultisets(logged.keys, lake.records());
    event(
      `compared: missing ${comparison.missing}, duplicates ${comparison.duplicates}, extras ${comparison.extraRecords}`,
    );
    return {
      wrk,
      nginxLogged,
      fileLines: logged.lines,
      files: logged.files,
      copytruncateWindow,
      lake: count,
      comparison,
      drainSeconds,
      agentStillRunning,
      agentStatus: status,
      agentExit,
      recordsAfterRestart,
      events,
      agentOutput,
      ingestOutput: ingest.outputTail(),
    };
  } finally {
    await agent?.stop();
    await ingest?.stop();
    await nginx.stop();
  }
}

/**
 * Waits until the lake has stopped changing for 3 s and either holds at least `expected` records or the
 * agent reports no lag; or until it has not changed for 30 s (the agent is stuck: the comparison then
 * shows what is missing), the agent died, or the deadline passed.
 */
async function drain(
  lake: LakeReader,
  expected: number,
  timeoutMs: number,
  agent: { alive: () => boolean; status: () => Promise<AgentStatusSummary> },
): Promise<LakeCount> {
  const deadline = Date.now() + timeoutMs;
  let last = await lake.count();
  let lastChange = Date.now();
  for (let poll = 1; ; poll++) {
    await sleep(1000);
    const now = await lake.count();
    if (now.records !== last.records || now.objects !== last.objects) lastChange = Date.now();
    last = now;
    const quiet = Date.now() - lastChange;
    if (quiet >= 3000) {
      if (now.records >= expected) return now;
      // Every few polls only: each status is a Node process start on a busy machine.
      if (poll % 3 === 0 && (await agent.status().catch(() => undefined))?.totals.lagBytes === 0) return now;
    }
    if (quiet >= 30_000 || Date.now() > deadline || !agent.alive()) return now;
  }
}
