/**
 * The bounded loop: takes requests from the generator and hands them to a sink until the line limit,
 * the duration or an abort signal ends it, whichever comes first.
 * - realtime (default): requests are timestamped now and paced by the wall clock;
 * - backfill (`start` given): timestamps run from `start` at the rate, written as fast as possible.
 */
import type { GeneratedRequest, Generator } from './generator.ts';
import type { Sink } from './sinks/types.ts';

export interface RunOptions {
  generator: Generator;
  sink: Sink;
  /** Epoch ms of the generator's first request (the generator was created with the same value). */
  start: number;
  /** Length of the run, ms: wall clock in realtime, simulated in backfill. */
  durationMs: number;
  /** Stop after this many requests. */
  maxLines?: number;
  /** Pace by the wall clock (true) or write at once (backfill). */
  realtime: boolean;
  signal?: AbortSignal;
}

/** Longest sleep between checks of the clock and the abort signal, ms. */
const TICK_MS = 100;
const BACKFILL_CHUNK = 2000;

export async function runGenerator(options: RunOptions): Promise<void> {
  const { generator, sink, start, durationMs, realtime, signal } = options;
  const end = start + durationMs;
  const maxLines = options.maxLines ?? Number.POSITIVE_INFINITY;
  let written = 0;
  let pending: GeneratedRequest = generator.next();

  const take = (until: number): GeneratedRequest[] => {
    const batch: GeneratedRequest[] = [];
    while (pending.request.time <= until && pending.request.time < end && written < maxLines) {
      batch.push(pending);
      written++;
      pending = generator.next();
      if (!realtime && batch.length >= BACKFILL_CHUNK) break;
    }
    return batch;
  };
  const finished = () => written >= maxLines || pending.request.time >= end || signal?.aborted === true;

  try {
    while (!finished()) {
      if (!realtime) {
        await sink.write(take(end));
        // Let signals and I/O in between chunks.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      const now = Date.now();
      if (now >= end) break;
      const batch = take(now);
      if (batch.length > 0) await sink.write(batch);
      if (finished()) break;
      const wait = Math.min(TICK_MS, Math.max(0, pending.request.time - Date.now()), end - Date.now());
      if (wait > 0) await sleep(wait, signal);
    }
  } finally {
    await sink.close();
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
