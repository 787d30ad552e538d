/**
 * The state-directory lock under a real race: two processes take the lock of the same folder at the
 * same instant (a busy-wait barrier on a shared start time), trial after trial, on fresh folders and
 * on folders holding a stale lock left by a dead agent. Exactly one must win every trial.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { LOCK_FILE } from '../../shipper-agent/state/lock.ts';
import { test, waitFor } from './fixtures.ts';
import { ROOT } from './processes.ts';

const TRIALS = 30;
const STEP_MS = 60;

interface Answer {
  trial: number;
  won: boolean;
  error?: string;
}

function contender(startAt: number, dirs: string[]) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/agent/lock-contender.ts', String(startAt), String(STEP_MS), ...dirs],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], detached: true },
  );
  let out = '';
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    out += c.toString();
  });
  return {
    child,
    output: () => out,
    done: () => out.includes('done\n'),
    answers: (): Answer[] =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Answer),
    kill: () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    },
  };
}

/** A pid that existed and is gone. */
function deadPid(): number {
  const run = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(run.stdout);
}

async function race(dirs: string[]): Promise<Map<number, Answer[]>> {
  // Room for two tsx start-ups on a busy machine before the first trial.
  const startAt = Date.now() + 6000;
  const a = contender(startAt, dirs);
  const b = contender(startAt, dirs);
  try {
    await waitFor(
      () => a.done() && b.done(),
      60_000,
      `both contenders to finish (a: ${a.output()}; b: ${b.output()})`,
    );
    const byTrial = new Map<number, Answer[]>();
    for (const answer of [...a.answers(), ...b.answers()]) {
      byTrial.set(answer.trial, [...(byTrial.get(answer.trial) ?? []), answer]);
    }
    return byTrial;
  } finally {
    a.kill();
    b.kill();
  }
}

function expectOneWinnerEach(byTrial: Map<number, Answer[]>): void {
  const wrong: string[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    const answers = byTrial.get(trial) ?? [];
    const winners = answers.filter((x) => x.won).length;
    if (answers.length !== 2 || winners !== 1) wrong.push(`trial ${trial}: ${JSON.stringify(answers)}`);
    for (const loser of answers.filter((x) => !x.won)) {
      expect(loser.error).toMatch(/another agent \(pid \d+\) is using the state directory/);
    }
  }
  expect(wrong, `trials without exactly one winner:\n${wrong.join('\n')}`).toEqual([]);
}

describe('state lock race (real processes)', () => {
  test(`two agents started at the same instant: exactly one wins, ${TRIALS} trials`, async ({ dir }) => {
    const dirs = Array.from({ length: TRIALS }, (_, i) => join(dir, `fresh-${i}`));
    for (const d of dirs) await mkdir(d);
    expectOneWinnerEach(await race(dirs));
  });

  test(`a stale lock of a dead agent is taken over by exactly one of two, ${TRIALS} trials`, async ({
    dir,
  }) => {
    const dead = deadPid();
    const dirs = Array.from({ length: TRIALS }, (_, i) => join(dir, `stale-${i}`));
    for (const d of dirs) {
      await mkdir(d);
      await writeFile(join(d, LOCK_FILE), `${dead}\n`);
    }
    expectOneWinnerEach(await race(dirs));
  });
});
