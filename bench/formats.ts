/**
 * `npm run bench:formats`: parse throughput of the format parsers (issue 4), in lines per second of wall
 * time and per CPU-second, parse alone and parse + normalize, best and median of the runs. In the same
 * run, interleaved run by run, the parsers of the pinned baseline commit (bench/lib/formats-baseline.ts)
 * parse and normalize the same lines, so the named target of issues 15 and 21 (combined parse + validate
 * ≥ 693k lines/s, median of 5 runs, 90% of that baseline's 770k on 2026-11-21) is shown beside a
 * measurement of the baseline on this machine at this load. GoAccess parses the same combined file to a
 * JSON report in the same run: it also aggregates every line into its report panels, so the ratio says
 * how far the parsers are from a tool people already run, not a like-for-like race.
 *
 * Lines come from the traffic generator (bench/lib/lines.ts). Env: BENCH_FORMAT_LINES (default 200000),
 * BENCH_FORMAT_RUNS (default 5), BENCH_FORMAT_BASELINE (the commit run beside ours; default 895cffb). The load average is printed before and after: on a shared machine the
 * wall rate measures the neighbours as well.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LineParser, resolveLineParser } from '../formats/index.ts';
import { normalizeFields } from '../ingest/index.ts';
import {
  BASELINE_COMMIT,
  type BaselineFormats,
  loadBaselineFormats,
  NAMED_BASELINE_COMMIT,
  NAMED_TARGET_LINES_PER_SECOND,
} from './lib/formats-baseline.ts';
import { generateLines } from './lib/lines.ts';
import { formatRate, measure, printTable } from './lib/measure.ts';

const LINES = Number(process.env.BENCH_FORMAT_LINES ?? 200_000);
const RUNS = Number(process.env.BENCH_FORMAT_RUNS ?? 5);
const CUSTOM =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for" rt=$request_time urt=$upstream_response_time ua="$upstream_addr" us=$upstream_status $host';

/** Lines per second of wall time and per CPU-second, the best and the median of the runs. */
interface Rates {
  best: { wall: number; cpu: number };
  median: { wall: number; cpu: number };
}

/** One implementation's per-line work: parse, or parse + normalize; false when the line is rejected. */
type LineWork = (line: string) => boolean;

function ours(parser: LineParser, normalize: boolean): LineWork {
  if (!normalize) return (line) => parser.parse(line).success;
  return (line) => {
    const fields = parser.parse(line);
    return fields.success && normalizeFields(fields.data, 'bench').success;
  };
}

function baseline(formats: BaselineFormats, spec: string): LineWork {
  const parser = formats.resolveLineParser(spec);
  return (line) => {
    const fields = parser.parse(line);
    return fields.success && formats.normalizeFields(fields.data as never, 'bench').success;
  };
}

/**
 * RUNS passes of each work over `lines` after one untimed warm-up pass, interleaved (a, b, a, b, …) so
 * each sees the same load; throws if a line is rejected, so a broken parser cannot look fast.
 */
async function throughput(lines: string[], works: Array<[string, LineWork]>): Promise<Rates[]> {
  const runs = works.map(() => [] as Array<{ wall: number; cpu: number }>);
  // One untimed pass each first, so no work is measured while the JIT still compiles it.
  for (const [, work] of works) for (const line of lines) work(line);
  for (let run = 0; run < RUNS; run++) {
    for (const [i, [label, work]] of works.entries()) {
      let rejected = 0;
      const m = await measure(() => {
        for (const line of lines) if (!work(line)) rejected++;
      });
      if (rejected > 0) throw new Error(`${label}: ${rejected} of ${lines.length} lines rejected`);
      runs[i]!.push({ wall: lines.length / m.wallSeconds, cpu: lines.length / m.cpuSeconds });
    }
  }
  return runs.map((rates) => ({
    best: { wall: Math.max(...rates.map((r) => r.wall)), cpu: Math.max(...rates.map((r) => r.cpu)) },
    median: { wall: median(rates.map((r) => r.wall)), cpu: median(rates.map((r) => r.cpu)) },
  }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `best / median` of a rate, as the tables print it. */
function bestMedian(rates: Rates, kind: 'wall' | 'cpu'): string {
  const unit = kind === 'wall' ? 'lines/s' : 'lines/CPU-s';
  return `${formatRate(rates.best[kind], '')}/ ${formatRate(rates.median[kind], unit)}`;
}

function load(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

/** GoAccess on the combined file, JSON report out; wall time and its CPU time (bash's `time`). */
function goaccess(file: string, report: string): { wall: number; cpu: number } | string {
  const found = spawnSync('sh', ['-c', 'command -v goaccess'], { encoding: 'utf8' });
  if (found.status !== 0) return 'not installed: `apt-get install -y goaccess` (Debian package) to compare';
  const command = `TIMEFORMAT='%U %S'; time goaccess '${file}' --log-format=COMBINED --no-global-config -o '${report}' >/dev/null 2>&1`;
  const started = performance.now();
  const result = spawnSync('bash', ['-c', command], { encoding: 'utf8' });
  const wall = (performance.now() - started) / 1000;
  if (result.status !== 0) return `goaccess failed (exit ${result.status}): ${result.stderr.slice(0, 200)}`;
  const [user, system] = result.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wall, cpu: (user ?? 0) + (system ?? 0) };
}

export async function benchFormats(): Promise<void> {
  console.log(
    `\n## Format parsers: ${LINES.toLocaleString('en-US')} generated lines, ${RUNS} runs (best / median)\n`,
  );
  console.log(`load average at the start (1, 5, 15 min): ${load()}\n`);
  const combined = generateLines(LINES, 'combined');
  const sets: Array<[string, string, string[]]> = [
    ['combined', 'combined', combined],
    ['main', 'main', generateLines(LINES, 'main')],
    ['json (accesslake_json)', 'json', generateLines(LINES, 'json')],
    ['custom log_format (upstream timings)', CUSTOM, generateLines(LINES, CUSTOM)],
  ];
  const pinned = await loadBaselineFormats();

  const rows: (string | number)[][] = [];
  const rates = new Map<string, Rates>();
  let combinedBaseline: Rates | undefined;
  for (const [label, spec, lines] of sets) {
    const parser = resolveLineParser(spec);
    const works: Array<[string, LineWork]> = [
      [`${label}: parse`, ours(parser, false)],
      [`${label}: parse + normalize`, ours(parser, true)],
    ];
    if (typeof pinned !== 'string') works.push([`${label}: ${BASELINE_COMMIT}`, baseline(pinned, spec)]);
    const [parse, full, before] = await throughput(lines, works);
    rates.set(label, full!);
    if (spec === 'combined') combinedBaseline = before;
    rows.push([
      label,
      bestMedian(parse!, 'wall'),
      bestMedian(full!, 'wall'),
      bestMedian(full!, 'cpu'),
      before ? bestMedian(before, 'wall') : '',
      before ? bestMedian(before, 'cpu') : '',
      before
        ? `${((100 * full!.median.wall) / before.median.wall).toFixed(0)}% / ${((100 * full!.median.cpu) / before.median.cpu).toFixed(0)}%`
        : '',
    ]);
  }
  if (typeof pinned !== 'string') await pinned.dispose();

  const dir = await mkdtemp(join(tmpdir(), 'accesslake-bench-formats-'));
  try {
    const file = join(dir, 'combined.log');
    await writeFile(file, `${combined.join('\n')}\n`);
    const mb = (await stat(file)).size / 1e6;
    const go = goaccess(file, join(dir, 'report.json'));
    if (typeof go === 'string') rows.push(['goaccess 1.x, combined → JSON report', go, '', '', '', '', '']);
    else {
      rows.push([
        `goaccess, combined → JSON report (${mb.toFixed(0)} MB file, one run)`,
        '',
        formatRate(LINES / go.wall, 'lines/s'),
        formatRate(LINES / go.cpu, 'lines/CPU-s'),
        '',
        '',
        '',
      ]);
      const ours = rates.get('combined')!;
      console.log(
        `accesslake combined parse+normalize (median) vs goaccess: ${(ours.median.wall / (LINES / go.wall)).toFixed(1)}× the wall-time rate, ` +
          `${(ours.median.cpu / (LINES / go.cpu)).toFixed(1)}× per CPU-second. GoAccess does more per line (it aggregates ` +
          'every line into its report panels and writes the report), so this is a reference point, not a race.\n',
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  printTable(
    [
      'format',
      'parse',
      'parse + normalize',
      'parse + normalize CPU',
      `parse + normalize at ${BASELINE_COMMIT} (same run)`,
      `parse + normalize CPU at ${BASELINE_COMMIT}`,
      `median vs ${BASELINE_COMMIT} (wall / CPU)`,
    ],
    rows,
  );
  console.log(`\nload average at the end (1, 5, 15 min): ${load()}`);
  if (typeof pinned === 'string') console.log(`\n${pinned}`);
  const full = rates.get('combined')!;
  const target = NAMED_TARGET_LINES_PER_SECOND;
  console.log(
    `\nCombined parse + normalize, median of ${RUNS}: ${formatRate(full.median.wall, 'lines/s')} ` +
      `(best ${formatRate(full.best.wall, 'lines/s')}); named target (issues 15, 21): ≥ ${formatRate(target, 'lines/s')} ` +
      `median of 5, 90% of the 770k measured at ${NAMED_BASELINE_COMMIT} on 2026-11-21: ${full.median.wall >= target ? 'met' : 'not met'}.`,
  );
  if (combinedBaseline) {
    const ratio = full.median.wall / combinedBaseline.median.wall;
    console.log(
      `Same run, ${BASELINE_COMMIT} median ${formatRate(combinedBaseline.median.wall, 'lines/s')} ` +
        `(best ${formatRate(combinedBaseline.best.wall, 'lines/s')}): ours is ${(100 * ratio).toFixed(0)}% of it, ` +
        `${((100 * full.median.cpu) / combinedBaseline.median.cpu).toFixed(0)}% per CPU-second` +
        (BASELINE_COMMIT === NAMED_BASELINE_COMMIT
          ? ` (the target's 90% of the baseline: ${ratio >= 0.9 ? 'met' : 'not met'} on this machine at this load).`
          : '.'),
    );
  }
  console.log('Target (issue 4): ≥ 500,000 lines/s per core for combined.');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`# accesslake format bench — node ${process.version}, ${new Date().toISOString()}`);
  await benchFormats();
}
