/**
 * `npm run bench:e2e [-- --seconds 15] [--keep]`: nginx under `wrk -t4 -c100` without a shipper, with
 * the accesslake agent, with syslog-ng (the peer baseline), and with agent + ingest on the same host;
 * then end-to-end latency at light load and the ingest's records/s. Prints Markdown for
 * docs/benchmarks.md and the README. Every run is bounded; every process is stopped by its PID.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startIngest, stopAllProcesses } from '../../harness/index.ts';
import { buildAgentBundle } from '../../shipper-agent/build.ts';
import { generateLines } from '../lib/lines.ts';
import { measureIngestThroughput } from './ingest-throughput.ts';
import {
  type LoadRun,
  runAgentToIngest,
  runAgentToSink,
  runIdleWatcher,
  runSyslogNgToSink,
  runWithoutShipper,
  TOKEN,
} from './load-runs.ts';
import { printReport } from './report.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    rounds: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
if (!Number.isInteger(seconds) || seconds < 5 || seconds > 120) {
  console.error(`bench:e2e: --seconds must be a whole number 5–120, got ${JSON.stringify(values.seconds)}`);
  process.exit(2);
}
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 5) {
  console.error(`bench:e2e: --rounds must be 1–5, got ${JSON.stringify(values.rounds)}`);
  process.exit(2);
}

const dir = await mkdtemp(join(tmpdir(), 'accesslake-bench-e2e-'));
const ctx = { dir, seconds, log: (line: string) => console.error(`[bench:e2e] ${line}`) };
const stopOnSignal = () => {
  void stopAllProcesses().then(() => process.exit(130));
};
process.once('SIGINT', stopOnSignal);
process.once('SIGTERM', stopOnSignal);

const version = (cmd: string, args: string[]) => {
  try {
    const out = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.split('\n')[0]!.trim();
  } catch (error) {
    // nginx -v prints to stderr
    return String((error as { stderr?: string }).stderr ?? '')
      .split('\n')[0]!
      .trim();
  }
};

try {
  const machine = {
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    versions: [
      `node ${process.version}`,
      execFileSync('sh', ['-c', 'nginx -v 2>&1'], { encoding: 'utf8' }).trim(),
      version('sh', ['-c', 'wrk -v 2>&1 | head -1']),
      version('sh', ['-c', 'syslog-ng --version | head -1']),
    ].join(', '),
  };
  // The single-file agent users install on their hosts (plain node, no tsx, no node_modules).
  const bundle = join(dir, 'accesslake-agent.mjs');
  await buildAgentBundle(bundle);
  const runs: LoadRun[] = [];
  // Rounds alternate the setups, so drift on a shared machine hits them alike; the figures use medians.
  for (let round = 1; round <= rounds; round++) {
    const tag = rounds > 1 ? ` #${round}` : '';
    runs.push(await runWithoutShipper(ctx, `no shipper${tag || ' (before)'}`));
    runs.push(await runAgentToSink(ctx, tag));
    runs.push(await runAgentToSink(ctx, tag, bundle));
    runs.push(await runSyslogNgToSink(ctx, tag));
  }
  runs.push(await runIdleWatcher(ctx));
  const withIngest = await runAgentToIngest(ctx);
  runs.push(withIngest);
  // Baseline again at the end: on a shared machine the mean of both brackets the drift.
  runs.push(await runWithoutShipper(ctx, 'no shipper (after)'));
  const light = await runAgentToIngest(ctx, { lightLoad: { perSecond: 50 } });

  const port = await freePort();
  const lakeDir = join(dir, 'ingest-throughput-lake');
  const lines = generateLines(200_000, 'json');
  const ingest = await startIngest({
    port,
    token: TOKEN,
    storage: lakeDir,
    logFile: join(dir, 'ingest-throughput.out'),
  });
  let throughput: Awaited<ReturnType<typeof measureIngestThroughput>>;
  try {
    ctx.log('ingest: posting 10,000-line gzip batches, 2 in flight');
    throughput = await measureIngestThroughput({
      url: `http://127.0.0.1:${port}`,
      token: TOKEN,
      ingestPid: ingest.pid,
      lakeDir,
      lines,
      format: 'json',
      maxSeconds: 20,
    });
  } finally {
    await ingest.stop();
  }

  printReport({ seconds, rounds, machine, runs, light, throughput });
} finally {
  await stopAllProcesses();
  if (values.keep) console.error(`[bench:e2e] kept ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}
