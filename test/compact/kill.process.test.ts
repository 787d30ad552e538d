/**
 * Real processes: `accesslake compact` is killed with SIGKILL at seeded random points of its run (after
 * the k-th line it printed, plus a few milliseconds), the view is checked after each kill, and the
 * compaction is run again. Each round after the first brings late records into every hour, so each run
 * recompacts all of them; the view must never hold a record twice nor lose one it held, and must hold
 * every record once after a run that completes and at the end. A killed
 * run leaves the lake's lease behind: the next run is refused (exit 75, nothing written) until it
 * expires. Set COMPACT_KILL_SEED to replay a run.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_BUSY } from '../../cli/commands/compact.ts';
import { DEFAULT_COMPACTION_PREFIXES, readState } from '../../lake-contract/index.ts';
import { createDuckDbEngine } from '../../query/duckdb.ts';
import type { QueryEngine } from '../../query/index.ts';
import { createStorage, type ObjectStorage } from '../../storage/index.ts';
import {
  expectedMultiset,
  ingestRecords,
  type KnownRecord,
  missingFrom,
  recordsFor,
  viewMultiset,
} from './lake-fixture.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SEED = Number(process.env.COMPACT_KILL_SEED ?? Date.now() % 1_000_000);
const HOURS = 10;
/** A short lease, so a run after a kill waits seconds, not the default two minutes, for it to expire. */
const LEASE_SECONDS = '3';
/** Rounds are added after the fifth until a kill lands, up to this many. */
const MAX_ROUNDS = 15;

let dir: string;
let storage: ObjectStorage;
let engine: QueryEngine;
let records: KnownRecord[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'accesslake-compact-kill-'));
  storage = await createStorage(dir);
  records = recordsFor('2025-01-10T00:00:00Z', HOURS, 60);
  await ingestRecords(storage, records, { batchPrefix: 'kill', batchSize: 10 });
  engine = await createDuckDbEngine({ lake: dir });
});
afterAll(async () => {
  await engine?.close();
  await rm(dir, { recursive: true, force: true });
});

/** mulberry32: a small seeded PRNG, so a failing schedule can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the CLI; with `killAfterLine`, SIGKILLs it `delayMs` after that many lines of output. */
function runCompact(
  killAfterLine?: number,
  delayMs = 0,
): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin/accesslake.mjs'), 'compact', '--lake', dir, '--before', '2025-01-11T00:00:00Z'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ACCESSLAKE_COMPACT_LEASE_SECONDS: LEASE_SECONDS },
      },
    );
    const lines: string[] = [];
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (killAfterLine !== undefined && lines.length === killAfterLine) {
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0 && code !== EXIT_BUSY && signal !== 'SIGKILL')
        reject(new Error(`compact exited ${code}: ${stderr}`));
      else resolve({ code, lines, stderr });
    });
  });
}

/**
 * Runs the CLI until it is not refused for the lease a killed run left behind (that lease expires
 * LEASE_SECONDS after its last renewal); returns the run and how many times it was refused.
 */
async function runPastLease(killAfterLine?: number, delayMs = 0) {
  const deadline = Date.now() + 60_000;
  for (let refused = 0; ; refused++) {
    const run = await runCompact(killAfterLine, delayMs);
    if (run.code !== EXIT_BUSY) return { ...run, refused };
    // Refused without writing: it names the killed run's lease, and the view is untouched meanwhile.
    expect(run.stderr).toMatch(/another compaction holds the lake's lease .*compaction\/lease\//);
    if (Date.now() > deadline) throw new Error('the killed run’s lease never expired');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('accesslake compact under kill -9', () => {
  it(`holds every record once after kills at random points and a re-run (seed ${SEED})`, async () => {
    console.log(`compact kill test seed: ${SEED} (COMPACT_KILL_SEED=${SEED} replays it)`);
    const rand = random(SEED);
    let killed = 0;
    // Before any run every record is in the raw tier, which the view reads while nothing is compacted.
    let before = expectedMultiset(records);
    // Five rounds, then more (at most MAX_ROUNDS) until a kill has landed: a kill scheduled after the
    // last hour's line may come after the run has exited, and a test that never killed proves nothing.
    for (let round = 0; round < 5 || (killed === 0 && round < MAX_ROUNDS); round++) {
      // Every round after the first finds late records in every hour, so it has all HOURS hours to
      // (re)compact and a kill anywhere in its output interrupts real work.
      if (round > 0) {
        const late = recordsFor('2025-01-10T00:00:07Z', HOURS, 3, `late-${round}`);
        await ingestRecords(storage, late, { batchPrefix: `late-${round}`, batchSize: 10 });
        records.push(...late);
      }
      // Line 1 is the header, then one line per hour: kill anywhere from start-up to the last hour.
      const afterLine = 1 + Math.floor(rand() * (HOURS + 1));
      const delay = Math.floor(rand() * 40);
      const { code, lines } = await runPastLease(afterLine, delay);
      if (code === null) killed++;
      // Late records in an hour below the watermark are invisible until their hour is recompacted
      // (docs/architecture.md, "Late records"), so a killed round's view holds every record it held
      // after the round before, each once, and some of the others, each once; a completed round holds
      // them all.
      const view = await viewMultiset(engine);
      const context = `round ${round}: killed after line ${afterLine} + ${delay} ms, printed ${lines.length}`;
      if (code === null) {
        expect(missingFrom(view, before), context).toEqual([]);
        expect(missingFrom(expectedMultiset(records), view), context).toEqual([]);
      } else expect(view, context).toEqual(expectedMultiset(records));
      before = view;
      // The watermark only ever names hours whose Parquet objects exist.
      const state = await readState(storage, DEFAULT_COMPACTION_PREFIXES);
      for (const hour of Object.keys(state.hours))
        expect(state.watermark !== null && hour < state.watermark).toBe(true);
    }
    expect(killed).toBeGreaterThan(0);
    const last = await runPastLease();
    expect(last.code).toBe(0);
    expect(await viewMultiset(engine)).toEqual(expectedMultiset(records));
    const state = await readState(storage, DEFAULT_COMPACTION_PREFIXES);
    expect(state.watermark).toBe('2025011100');
    expect(Object.keys(state.hours)).toHaveLength(HOURS);
    // Everything is now read from Parquet: one object per hour, no JSON.
    expect(await storage.list('access_logs_compacted/')).toHaveLength(HOURS);
  }, 240_000);
});
