/**
 * Rotations at random points of the agent's work, from a printed seed (`ACCESSLAKE_ROTATION_SEED=<n>`
 * replays one): appends, rename rotations, copytruncate, truncate-and-refill, create-then-truncate,
 * each made synchronously between two of the in-process agent's awaits, after a random number of event
 * loop turns. Whatever the interleaving: no line twice, every line a file still holds at the end in the
 * lake, and the bytes reported lost never more than the bytes of the lines written and not delivered
 * (per writing: a line a refill wrote again and that arrived once is missing once).
 *
 * Part of `npm test` with 2 rounds (a few seconds); `ACCESSLAKE_EXPLORE=1` runs 4 (`.ci/run` does, and the
 * validation loops in docs/benchmarks.md). The same seed replays the same schedule of rotations, but not
 * always the same interleaving: the agent's reads run on libuv's thread pool and its loop on timers. Each
 * class of interleaving it found is replayed step by step, deterministically, in
 * rotation-interleavings.test.ts, where the exact loss is asserted.
 */
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, onTestFailed } from 'vitest';
import { createRandom } from '../../gen/random.ts';
import { jsonLine, test, waitFor } from './fixtures.ts';
import { inProcessIngest, startTestAgent } from './in-process.ts';

const ROUNDS = process.env.ACCESSLAKE_EXPLORE === '1' ? 4 : 2;
const STEPS = 25;

describe('rotations at random points', () => {
  const base = Number(process.env.ACCESSLAKE_ROTATION_SEED ?? Math.floor(Math.random() * 1e9));
  for (let round = 0; round < ROUNDS; round++) {
    const seed = base + round;
    test(`seed ${seed}: nothing twice, nothing a file holds missing, loss never overstated`, async ({
      dir,
    }) => {
      console.log(`rotation schedule seed ${seed} (replay: ACCESSLAKE_ROTATION_SEED=${seed})`);
      const { next: rand } = createRandom(seed);
      const ingest = inProcessIngest();
      const log = join(dir, 'access.log');
      const written: string[] = [];
      /** How many times each line was written (a refill writes its head lines again). */
      const writes = new Map<string, number>();
      const wrote = (path: string) => writes.set(path, (writes.get(path) ?? 0) + 1);
      let rotations = 0;
      const lines = (n: number) => {
        let text = '';
        for (let i = 0; i < n; i++) {
          const path = `/p/r${written.length}`;
          written.push(path);
          wrote(path);
          text += `${jsonLine(path)}\n`;
        }
        return text;
      };
      writeFileSync(log, lines(5));
      const agent = await startTestAgent(ingest, { files: [log], stateDir: join(dir, 'state') });
      const ops: string[] = [];
      onTestFailed(() => {
        for (const r of ingest.batches()) {
          const text = gunzipSync(Buffer.from(r.body)).toString();
          const paths = text
            .split('\n')
            .filter(Boolean)
            .map((l: string) => JSON.parse(l).path);
          console.log('batch', r.key, r.status, paths.join(','));
        }
        console.log(ops.join('\n'));
        for (const l of agent.logs) console.log(JSON.stringify(l));
      });
      const shift = () => {
        // logrotate's numbering: .N → .N+1, oldest first; nothing is deleted.
        for (let n = rotations; n >= 1; n--) renameSync(`${log}.${n}`, `${log}.${n + 1}`);
        rotations++;
      };
      for (let step = 0; step < STEPS; step++) {
        const turns = Math.floor(rand() * 12);
        for (let t = 0; t < turns; t++)
          await new Promise((r) => (rand() < 0.5 ? setImmediate(r) : setTimeout(r, 5)));
        const op = rand();
        ops.push(`step ${step} after ${turns} turns: op ${op.toFixed(2)} from /p/r${written.length}`);
        if (op < 0.45) appendFileSync(log, lines(1 + Math.floor(rand() * 8)));
        else if (op < 0.65) {
          shift();
          renameSync(log, `${log}.1`);
          writeFileSync(log, lines(Math.floor(rand() * 3)));
        } else if (op < 0.85) {
          shift();
          copyFileSync(log, `${log}.1`);
          truncateSync(log, 0);
          appendFileSync(log, lines(Math.floor(rand() * 3)));
        } else if (op < 0.93) {
          // Truncate and refill with the same first lines: the lines cut off may be lost.
          const head = readFileSync(log, 'utf8').split('\n').slice(0, 3).filter(Boolean).join('\n');
          for (const line of head.split('\n')) if (line) wrote(JSON.parse(line).path as string);
          writeFileSync(log, `${head ? `${head}\n` : ''}${lines(2 + Math.floor(rand() * 4))}`);
        } else {
          truncateSync(log, 0);
          appendFileSync(log, lines(1 + Math.floor(rand() * 3)));
        }
      }
      const inFiles: string[] = [];
      for (const file of [log, ...Array.from({ length: rotations }, (_, i) => `${log}.${i + 1}`)]) {
        if (!existsSync(file)) continue;
        for (const line of readFileSync(file, 'utf8').split('\n'))
          if (line) inFiles.push(JSON.parse(line).path as string);
      }
      const fileSet = new Set(inFiles);
      await waitFor(
        async () => {
          const lake = new Set(await ingest.paths());
          return [...fileSet].every((p) => lake.has(p));
        },
        20_000,
        'every line still in a file to arrive',
      );
      await agent.stop();
      const lake = await ingest.paths();
      const counts = new Map<string, number>();
      for (const p of lake) counts.set(p, (counts.get(p) ?? 0) + 1);
      const twice = [...counts].filter(([p, n]) => n > (writes.get(p) ?? 0));
      expect(JSON.stringify(twice), `seed ${seed}`).toBe('[]');
      const all = new Set(written);
      expect(
        lake.filter((p) => !all.has(p)),
        `seed ${seed}`,
      ).toEqual([]);
      // Counted per line written, not per path: a refill writes its first lines again, and a refill
      // truncated before the agent read it loses those second copies (the first ones arrived long ago).
      let missingBytes = 0;
      for (const [p, n] of writes)
        missingBytes += Math.max(0, n - (counts.get(p) ?? 0)) * Buffer.byteLength(`${jsonLine(p)}\n`);
      expect(agent.status().totals.bytesLost, `seed ${seed}`).toBeLessThanOrEqual(missingBytes);
    });
  }
});
