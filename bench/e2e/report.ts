/** The bench's Markdown: the command, the machine, one row per load run, then the derived figures. */
import { printTable } from '../lib/measure.ts';
import type { IngestThroughput } from './ingest-throughput.ts';
import type { LoadRun } from './load-runs.ts';

export interface Report {
  seconds: number;
  rounds: number;
  machine: { cpu: string; load: string; versions: string };
  runs: LoadRun[];
  light: LoadRun;
  throughput: IngestThroughput;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const pct = (n: number) => `${n.toFixed(1)}%`;
const ms = (n: number) => (Number.isFinite(n) ? `${int(n)} ms` : 'n/a');

export function printReport(r: Report): void {
  const baseline = median(r.runs.filter((run) => run.setup.startsWith('no shipper')).map((run) => run.rps));
  const overhead = (run: LoadRun) => ((baseline - run.rps) / baseline) * 100;

  console.log(`\n## End-to-end benchmark\n`);
  console.log(
    `Command: \`npm run bench:e2e -- --seconds ${r.seconds} --rounds ${r.rounds}\` (each load: \`wrk -t4 -c100 -d${r.seconds}s\` on a static file)`,
  );
  console.log(`Machine: ${r.machine.cpu}; load average at start ${r.machine.load}; ${r.machine.versions}.`);
  console.log(`nginx, wrk, the shippers, the sink and the ingest all share these cores.\n`);

  printTable(
    [
      'setup',
      'nginx req/s',
      'vs no shipper',
      'shipper CPU (% of 1 core)',
      'shipper peak RSS',
      'receiver CPU (/ peak RSS)',
      'lines logged',
      'shipped by end of load',
      'shipped after drain',
      'wrk errors',
    ],
    r.runs.map((run) => [
      run.setup,
      int(run.rps),
      run.setup.startsWith('no shipper') ? '—' : pct(-overhead(run)),
      run.shipper
        ? `${pct(run.shipper.cpuPercent)} (${pct(run.shipper.cpuPercent / (run.logged / r.seconds / 10_000))} per 10k lines/s)`
        : '—',
      run.shipper ? mb(run.shipper.peakRssBytes) : '—',
      run.ingest
        ? `ingest ${pct(run.ingest.cpuPercent)} / ${mb(run.ingest.peakRssBytes)}`
        : run.sinkCpuPercent !== undefined
          ? `sink ${pct(run.sinkCpuPercent)}`
          : '—',
      int(run.logged),
      run.deliveredAtLoadEnd === undefined ? '—' : int(run.deliveredAtLoadEnd),
      run.delivered === undefined ? '—' : `${int(run.delivered)} (${run.drainSeconds?.toFixed(1)} s)`,
      run.wrkErrors,
    ]),
  );

  const agent = medianRun(r.runs.filter((run) => run.setup.startsWith('accesslake agent → HTTP')));
  const bundled = medianRun(r.runs.filter((run) => run.setup.startsWith('accesslake agent (bundle) → HTTP')));
  const syslogNg = medianRun(r.runs.filter((run) => run.setup.startsWith('syslog-ng')));
  const withIngest = r.runs.find((run) => run.setup.startsWith('accesslake agent → ingest'));
  const rows: (string | number)[][] = [];
  if (agent?.shipper) {
    const rate = agent.logged / r.seconds;
    rows.push(['nginx throughput cost of the agent', pct(overhead(agent)), '≤ 5%']);
    rows.push([
      `agent CPU at ${int(rate)} lines/s`,
      `${pct(agent.shipper.cpuPercent)} of one core`,
      '≤ 15% at ~25k lines/s',
    ]);
    rows.push([
      'agent peak RSS (VmHWM)',
      `${mb(agent.shipper.peakRssBytes)} (${mb(agent.shipper.startRssBytes)} idle before the load)`,
      '≤ 80 MB',
    ]);
  }
  if (bundled?.shipper) {
    rows.push([
      'single-file agent bundle (plain node): nginx cost / CPU / peak RSS',
      `${pct(overhead(bundled))} / ${pct(bundled.shipper.cpuPercent)} at ${int(bundled.logged / r.seconds)} lines/s / ${mb(bundled.shipper.peakRssBytes)} (${mb(bundled.shipper.startRssBytes)} idle)`,
      '≤ 5% / ≤ 15% / ≤ 80 MB',
    ]);
  }
  if (syslogNg?.shipper) {
    rows.push([
      'syslog-ng CPU / peak RSS, same load',
      `${pct(syslogNg.shipper.cpuPercent)} / ${mb(syslogNg.shipper.peakRssBytes)}`,
      'peer',
    ]);
  }
  if (r.light.lake) {
    const l = r.light.lake.latency;
    rows.push([
      `latency nginx write → object stored, ${int(r.light.rps)} req/s, 1 s batch age`,
      `p50 ${ms(l.p50Ms)}, p99 ${ms(l.p99Ms)} (${int(l.records)} records)`,
      '',
    ]);
  }
  if (withIngest?.lake) {
    const l = withIngest.lake.latency;
    rows.push([
      'latency under the full wrk load (agent + ingest on the same 2 cores)',
      `p50 ${ms(l.p50Ms)}, p99 ${ms(l.p99Ms)}`,
      '',
    ]);
  }
  const t = r.throughput;
  const perRecord = t.lakeBytes / Math.max(1, t.records);
  rows.push([
    'bytes stored per request (generated traffic, gzipped canonical JSONL)',
    `${perRecord.toFixed(1)} B (nginx JSON line: ${(t.lineBytes / Math.max(1, t.records)).toFixed(0)} B)`,
    '',
  ]);
  rows.push([
    'compression: nginx log bytes / lake bytes',
    `${(t.lineBytes / Math.max(1, t.lakeBytes)).toFixed(1)} ×`,
    '',
  ]);
  rows.push([
    `ingest records/s (${int(t.records)} records in 10k-line gzip batches, 2 in flight)`,
    `${int(t.recordsPerSecond)} (ingest CPU ${pct(t.ingestCpuPercent)}, peak RSS ${mb(t.ingestPeakRssBytes)})`,
    '',
  ]);
  console.log('');
  printTable(['figure', 'measured', 'target'], rows);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One run standing for a setup's rounds: median req/s, lines and CPU; the highest peak RSS. */
function medianRun(runs: LoadRun[]): LoadRun | undefined {
  const [first] = runs;
  if (!first || runs.length === 1) return first;
  const run: LoadRun = {
    ...first,
    rps: median(runs.map((x) => x.rps)),
    logged: median(runs.map((x) => x.logged)),
  };
  const measured = runs.flatMap((x) => (x.shipper ? [x.shipper] : []));
  if (measured.length > 0) {
    run.shipper = {
      cpuPercent: median(measured.map((m) => m.cpuPercent)),
      peakRssBytes: Math.max(...measured.map((m) => m.peakRssBytes)),
      startRssBytes: median(measured.map((m) => m.startRssBytes)),
    };
  }
  return run;
}
