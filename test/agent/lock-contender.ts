/**
 * One contender of the lock race (test/agent/state-lock.process.test.ts), run as its own process:
 * for each trial folder it spins until that trial's start time, takes the lock, and prints
 * `{"trial":i,"won":true}` or the error. Locks it won are held until the process is told to exit, so
 * the other contender can never take them legitimately.
 *
 * Usage: node --import tsx lock-contender.ts <startAtMs> <stepMs> <dir> [<dir> …]
 */
import { acquireLock } from '../../shipper-agent/state/lock.ts';

const [startAt, step, ...dirs] = process.argv.slice(2);
const held: unknown[] = [];
for (const [trial, dir] of dirs.entries()) {
  const at = Number(startAt) + trial * Number(step);
  // A busy wait, not a timer: both contenders leave it within microseconds of `at`.
  while (Date.now() < at) {}
  try {
    held.push(await acquireLock(dir!));
    process.stdout.write(`${JSON.stringify({ trial, won: true })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ trial, won: false, error: (error as Error).message })}\n`);
  }
}
process.stdout.write('done\n');
// Hold every lock won until the test has read both contenders' answers.
process.stdin.resume();
process.stdin.once('end', () => process.exit(0));
