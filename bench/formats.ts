/**
 * `npm run bench:formats`: parse throughput of the format parsers (issue 4), in lines per second of wall
 * time and per CPU-second, parse alone and parse + normalize, next to GoAccess parsing the same combined
 * file to a JSON report in the same run. GoAccess also aggregates every line into its report panels, so
 * the ratio says how far the parsers are from a tool people already run, not a like-for-like race.
 *
 * Lines come from the traffic generator (bench/lib/lines.ts). Env: BENCH_FORMAT_LINES (default 200000),
 * BENCH_FORMAT_RUNS (default 3, the best run is reported).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LineParser, resolveLineParser } from '../ingest/formats/index.ts';
import { normalizeFields } from '../ingest/index.ts';
import { generateLines } from './lib/lines.ts';
import { formatRate, measure, printTable } from './lib/measure.ts';

const LINES = Number(process.env.BENCH_FORMAT_LINES ?? 200_000);
const RUNS = Number(process.env.BENCH_FORMAT_RUNS ?? 3);
const CUSTOM =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for" rt=$request_time urt=$upstream_response_time ua="$upstream_addr" us=$upstream_status $host';

interface Rate {
  wall: number;
  cpu: number;
}

/** Best of RUNS passes over `lines`; throws if a line is rejected, so a broken parser cannot look fast. */
async function throughput(lines: string[], parser: LineParser, normalize: boolean): Promise<Rate> {
  let best: Rate = { wall: 0, cpu: 0 };
  for (let run = 0; run < RUNS; run++) {
    let rejected = 0;
    const m = await measure(() => {
      for (const line of lines) {
        const fields = parser.parse(line);
        if (!fields.success) rejected++;
        else if (normalize && !normalizeFields(fields.data, 'bench').success) rejected++;
      }
    });
    if (rejected > 0)
      throw new Error(`${parser.name.slice(0, 40)}: ${rejected} of ${lines.length} lines rejected`);
    const rate = { wall: lines.length / m.wallSeconds, cpu: lines.length / m.cpuSeconds };
    if (rate.wall > best.wall) best = rate;
  }
  return best;
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
    `\n## Format parsers: ${LINES.toLocaleString('en-US')} generated lines, best of ${RUNS} runs\n`,
  );
  const combined = generateLines(LINES, 'combined');
  const sets: Array<[string, string, string[]]> = [
    ['combined', 'combined', combined],
    ['main', 'main', generateLines(LINES, 'main')],
    ['json (accesslake_json)', 'json', generateLines(LINES, 'json')],
    ['custom log_format (upstream timings)', CUSTOM, generateLines(LINES, CUSTOM)],
  ];

  const rows: (string | number)[][] = [];
  const rates = new Map<string, Rate>();
  for (const [label, spec, lines] of sets) {
    const parser = resolveLineParser(spec);
    const parse = await throughput(lines, parser, false);
    const full = await throughput(lines, parser, true);
    rates.set(label, full);
    rows.push([
      label,
      formatRate(parse.wall, 'lines/s'),
      formatRate(parse.cpu, 'lines/CPU-s'),
      formatRate(full.wall, 'lines/s'),
      formatRate(full.cpu, 'lines/CPU-s'),
    ]);
  }

  const dir = await mkdtemp(join(tmpdir(), 'accesslake-bench-formats-'));
  try {
    const file = join(dir, 'combined.log');
    await writeFile(file, `${combined.join('\n')}\n`);
    const mb = (await stat(file)).size / 1e6;
    const go = goaccess(file, join(dir, 'report.json'));
    if (typeof go === 'string') rows.push(['goaccess 1.x, combined → JSON report', go, '', '', '']);
    else {
      rows.push([
        `goaccess, combined → JSON report (${mb.toFixed(0)} MB file)`,
        '',
        '',
        formatRate(LINES / go.wall, 'lines/s'),
        formatRate(LINES / go.cpu, 'lines/CPU-s'),
      ]);
      const ours = rates.get('combined')!;
      console.log(
        `accesslake combined parse+normalize vs goaccess: ${(ours.wall / (LINES / go.wall)).toFixed(1)}× the wall-time rate, ` +
          `${(ours.cpu / (LINES / go.cpu)).toFixed(1)}× per CPU-second. GoAccess does more per line (it aggregates ` +
          'every line into its report panels and writes the report), so this is a reference point, not a race.\n',
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  printTable(['format', 'parse', 'parse CPU', 'parse + normalize', 'parse + normalize CPU'], rows);
  console.log('\nTarget (issue 4): ≥ 500,000 lines/s per core for combined.');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`# accesslake format bench — node ${process.version}, ${new Date().toISOString()}`);
  await benchFormats();
}
