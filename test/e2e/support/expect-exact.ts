/**
 * The assertions every faulted load run must pass, and the run folder's life cycle. A failed run keeps
 * its folder (logs, lake, agent state, process output) and prints where it is.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { wrkErrorCount } from '../../../harness/index.ts';
import type { ScenarioResult } from './scenario.ts';

/** Load duration: `ACCESSLAKE_E2E_LOAD_SECONDS` (5–120), default 20. */
export function e2eLoadSeconds(): number {
  const raw = process.env.ACCESSLAKE_E2E_LOAD_SECONDS;
  if (raw === undefined) return 20;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 5 || n > 120) {
    throw new Error(
      `ACCESSLAKE_E2E_LOAD_SECONDS must be a whole number of seconds 5–120, got ${JSON.stringify(raw)}`,
    );
  }
  return n;
}

export function makeRunDir(name: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `accesslake-e2e-${name}-`));
}

/** Removes the folder after a passing run; keeps it after a failure or with `ACCESSLAKE_E2E_KEEP=1`. */
export async function removeRunDir(
  dir: string | undefined,
  result: ScenarioResult | undefined,
): Promise<void> {
  if (!dir) return;
  const passed = result !== undefined && problems(result).length === 0;
  if (passed && process.env.ACCESSLAKE_E2E_KEEP !== '1') await rm(dir, { recursive: true, force: true });
  else console.log(`e2e run folder kept: ${dir}`);
}

/** One line per figure, printed for every run so CI logs carry the measured copytruncate window. */
export function describeRun(r: ScenarioResult): string {
  const c = r.comparison;
  const caught = c.extraRecords;
  return [
    `wrk: ${r.wrk.requests} requests, ${r.wrk.requestsPerSecond.toFixed(0)} req/s, errors ${wrkErrorCount(r.wrk)}`,
    `nginx logged ${r.nginxLogged}; files (${r.files.join(' ')}) hold ${r.fileLines}`,
    `copytruncate window: ${r.copytruncateWindow} lines in no file (${pct(r.copytruncateWindow, r.nginxLogged)}); the agent had read ${caught} of them before the truncate, ${r.copytruncateWindow - caught} are lost`,
    `lake: ${r.lake.records} records in ${r.lake.objects} objects, ${r.lake.rejectedLines} rejected lines; drained ${r.drainSeconds.toFixed(1)}s after the load`,
    `agent status: ${r.agentStatus.totals.linesShipped} lines shipped, lag ${r.agentStatus.totals.lagBytes} B, ${r.agentStatus.totals.bytesLost} B reported lost before shipping`,
    `exactness vs files: matched ${c.matched}, missing ${c.missing}, duplicates ${c.duplicates}, extras ${c.extraRecords}`,
  ].join('\n');
}

/** What is wrong with a run, empty when it delivered exactly. */
export function problems(r: ScenarioResult): string[] {
  const out: string[] = [];
  const c = r.comparison;
  if (wrkErrorCount(r.wrk) > 0) out.push(`wrk saw errors:\n${r.wrk.output}`);
  if (!r.agentStillRunning) out.push('the agent exited on its own');
  if (r.agentExit !== 0) out.push(`the agent exited with ${r.agentExit} on SIGTERM, not 0`);
  if (r.agentStatus.totals.lagBytes !== 0) {
    out.push(`agent status still reports ${r.agentStatus.totals.lagBytes} B of lag`);
  }
  if (r.recordsAfterRestart !== r.lake.records) {
    out.push(
      `a restart after a clean stop changed the lake from ${r.lake.records} to ${r.recordsAfterRestart} records`,
    );
  }
  if (r.lake.rejectedLines > 0) out.push(`${r.lake.rejectedLines} logged lines were rejected by the ingest`);
  if (c.missing > 0)
    out.push(`${c.missing} logged lines are missing from the lake, e.g. ${c.examples.missing.join(' | ')}`);
  if (c.duplicates > 0)
    out.push(`${c.duplicates} records are duplicates, e.g. ${c.examples.duplicates.join(' | ')}`);
  const repeatedExtras = [...c.extras].filter(([, n]) => n > 1);
  if (repeatedExtras.length > 0)
    out.push(`records outside the logs stored more than once: ${repeatedExtras.slice(0, 5).join(' | ')}`);
  if (c.extraRecords > r.copytruncateWindow) {
    out.push(
      `${c.extraRecords} records match no logged line, more than the ${r.copytruncateWindow} lines of the copytruncate window, e.g. ${c.examples.extras.join(' | ')}`,
    );
  }
  if (r.copytruncateWindow < 0) out.push(`files hold ${-r.copytruncateWindow} more lines than nginx counted`);
  // logrotate's documented window is a fraction of a percent here; more means the measurement is off.
  if (r.copytruncateWindow >= r.nginxLogged * 0.05)
    out.push(`the copytruncate window (${r.copytruncateWindow} lines) is ≥ 5% of all lines`);
  // The run must have been a real load through all its rotations, not a quiet pass.
  if (r.files.length !== 4) out.push(`expected access.log and 3 rotated files, found ${r.files.join(', ')}`);
  if (r.fileLines < 10_000) out.push(`only ${r.fileLines} lines were logged: the load did not run`);
  return out;
}

/** Asserts exact delivery; on failure the message carries the run's story and both processes' output. */
export function assertExactDelivery(r: ScenarioResult): void {
  console.log(describeRun(r));
  const found = problems(r);
  const context = `\n\n${describeRun(r)}\n\nevents:\n${r.events.join('\n')}\n\nagent output:\n${r.agentOutput}\n\ningest output:\n${r.ingestOutput}`;
  expect(found, `${found.join('\n')}${context}`).toEqual([]);
}

function pct(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${((part / whole) * 100).toFixed(3)}%`;
}
