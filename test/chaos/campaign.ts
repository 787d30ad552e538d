/**
 * `npm run test:chaos`: the randomized fault campaign (issue 13). Each round draws its schedule from a
 * printed seed and plays it against real nginx under wrk, the agent and the ingest as real processes,
 * while stress-ng keeps both cores busy for the whole run. Exit 1 when any round fails.
 *
 *   npm run test:chaos -- --rounds 30                 # seeds from the clock, printed
 *   npm run test:chaos -- --seed 1234 --rounds 1      # replays the round with that seed
 *   npm run test:chaos -- --seed 1234 --rounds 5      # rounds 1234, 1235, … 1238
 *
 * `--load-seconds N` (default 10) sets each round's load; `--no-stress` leaves the cores alone;
 * `--keep` keeps every round's folder (failed rounds' folders are always kept); `--bundle FILE` runs that
 * agent bundle (`npm run build:agent` of another checkout) instead of building this one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ManagedProcess, startProcess, stopAllProcesses } from '../../harness/index.ts';
import { buildAgentBundle } from '../../shipper-agent/build.ts';
import { type RoundResult, runRound } from './round.ts';
import { describeFault, drawSchedule } from './schedule.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    'load-seconds': { type: 'string', default: '10' },
    'no-stress': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    bundle: { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const loadSeconds = Number(values['load-seconds']);
const firstSeed = values.seed !== undefined ? Number(values.seed) : Date.now() % 1_000_000;
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds must be a whole number ≥ 1, got ${values.rounds}`);
if (!Number.isInteger(firstSeed) || firstSeed < 0)
  throw new Error(`--seed must be a whole number ≥ 0, got ${values.seed}`);
if (!Number.isInteger(loadSeconds) || loadSeconds < 3 || loadSeconds > 120)
  throw new Error(`--load-seconds must be a whole number 3–120, got ${values['load-seconds']}`);

const runDir = await mkdtemp(join(tmpdir(), 'accesslake-chaos-'));
const log = (line: string) => console.log(line);
log(
  `chaos campaign: ${rounds} round(s) from seed ${firstSeed}, ${loadSeconds} s of load each, folder ${runDir}`,
);
log(`replay one round: npm run test:chaos -- --seed <seed> --rounds 1`);
// The agent as users run it: the single-file bundle, built once so every round runs the same code.
// `--bundle FILE` runs another build instead (an older agent, to tell its failures from new ones).
const bundle = values.bundle ?? join(runDir, 'accesslake-agent.mjs');
if (!values.bundle) await buildAgentBundle(bundle);

let stress: ManagedProcess | undefined;
const results: RoundResult[] = [];
try {
  if (!values['no-stress']) {
    // Both cores busy for the whole campaign; bounded by its own timeout too.
    const bound = rounds * (loadSeconds + 150) + 60;
    stress = startProcess(
      'stress-ng',
      'stress-ng',
      ['--cpu', '2', '--cpu-load', '80', '--timeout', `${bound}s`, '--quiet'],
      {
        logFile: join(runDir, 'stress-ng.out'),
      },
    );
    log(`stress-ng --cpu 2 --cpu-load 80 (pid ${stress.pid}) for the whole run`);
  }
  for (let i = 0; i < rounds; i++) {
    const seed = firstSeed + i;
    const schedule = drawSchedule(seed, loadSeconds);
    log(`\nround ${i + 1}/${rounds}: seed ${seed}: ${schedule.faults.map(describeFault).join('; ')}`);
    const dir = await mkdtemp(join(runDir, `round-${seed}-`));
    let result: RoundResult;
    try {
      result = await runRound({ dir, schedule, bundle, log });
    } catch (error) {
      log(`round ${seed} could not run: ${(error as Error).stack}`);
      await stopAllProcesses();
      results.push(failedToRun(seed, dir, error as Error));
      continue;
    }
    results.push(result);
    log(`round ${seed}: ${summary(result)}`);
    if (result.problems.length)
      log(`round ${seed} FAILED (folder kept: ${dir}):\n  ${result.problems.join('\n  ')}`);
    else if (!values.keep) await rm(dir, { recursive: true, force: true });
  }
} finally {
  await stress?.stop();
  await stopAllProcesses();
}

log(
  '\n| seed | requests | lines in files | lake records | window | in no file nor lake | rotations | agent kills | ingest kills | outages | bytes lost (status) | knowable loss | result |',
);
log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const result = r.problems.length ? `FAIL: ${r.problems.join('; ').slice(0, 200)}` : 'exact';
  log(
    `| ${r.seed} | ${r.requests} | ${r.fileLines} | ${r.lake.records} | ${r.window} | ${r.missingFromBoth} | ${r.rotations} | ${r.agentKills} | ${r.ingestKills} | ${r.outages} | ${r.bytesLost} | ${r.knowable.bytes} | ${result} |`,
  );
}
const failed = results.filter((r) => r.problems.length);
log(
  `\n${results.length - failed.length}/${results.length} rounds exact${failed.length ? `; failed seeds: ${failed.map((r) => r.seed).join(' ')}` : ''}`,
);
if (!failed.length && !values.keep) await rm(runDir, { recursive: true, force: true });
process.exit(failed.length ? 1 : 0);

function summary(r: RoundResult): string {
  const c = r.comparison;
  return (
    `${r.requests} requests, files hold ${r.fileLines} lines in ${r.files} files, lake ${r.lake.records} records; ` +
    `duplicates ${c.duplicates}, in a file but not in the lake ${c.missing}, window ${r.window} (${c.extraRecords} of it in the lake), ` +
    `in no file nor lake ${r.missingFromBoth} (outside every truncation span ${r.missingOutsideSpans.length}); ${r.rotations} rotations, ${r.agentKills} agent kills, ` +
    `${r.ingestKills} ingest kills, ${r.outages} outages; agent reports ${r.bytesLost} B lost`
  );
}

function failedToRun(seed: number, dir: string, error: Error): RoundResult {
  return {
    seed,
    requests: 0,
    wrkErrors: 0,
    nginxLogged: 0,
    fileLines: 0,
    files: 0,
    window: 0,
    lake: { objects: 0, records: 0, bytes: 0, rejectedLines: 0 },
    comparison: {
      logged: 0,
      stored: 0,
      matched: 0,
      missing: 0,
      duplicates: 0,
      extras: new Map(),
      extraRecords: 0,
      examples: { missing: [], duplicates: [], extras: [] },
    },
    missingFromBoth: 0,
    missingOutsideSpans: [],
    bytesLost: 0,
    knowable: { bytes: 0, details: [] },
    maxLineBytes: 0,
    rotations: 0,
    agentKills: 0,
    ingestKills: 0,
    outages: 0,
    problems: [`could not run: ${error.message}`],
    events: [],
    dir,
  };
}
