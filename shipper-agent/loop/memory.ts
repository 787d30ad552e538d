/**
 * Keeps the agent's peak RSS near its working set. Every batch leaves a few MB of garbage outside the V8
 * heap (zlib's output chunks, the compressed body just sent); the heap itself stays tiny (~5 MB), so V8
 * sees little reason to collect, and on a 1M-line backlog that garbage held ~20 MB of RSS (peak 88 MB
 * against a budget of 80 MB). A full GC after a large answered batch, when RSS is above a soft limit,
 * frees that garbage at once (bench/agent.ts measures RSS and CPU with it). A minor GC is not
 * enough: it promotes the buffers still in use to the old generation, where they die and wait longer.
 *
 * `gc` is not exposed by default; turning the flag on at run time and taking `gc` from a fresh context
 * (node:v8 setFlagsFromString, node:vm) is the known way. Where that fails, this does nothing.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Batches smaller than this leave too little garbage to be worth a collection. */
const MIN_BATCH_BYTES = 1024 * 1024;
/** Collect only above this RSS: each full GC costs ~10 ms, and below it the garbage is harmless. */
const SOFT_RSS_BYTES = 70 * 1024 * 1024;

/** Returns a function to call after each answered batch with its size in bytes. */
export function createPostBatchGc(): (batchBytes: number) => void {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as (() => void) | undefined;
    if (typeof gc === 'function') {
      return (batchBytes) => {
        if (batchBytes >= MIN_BATCH_BYTES && process.memoryUsage.rss() > SOFT_RSS_BYTES) gc();
      };
    }
  } catch {
    // Not Node, or a locked-down runtime: the garbage goes on V8's own schedule.
  }
  return () => {};
}
