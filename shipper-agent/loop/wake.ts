/**
 * The loop's timings: when it looks at the files (the wake policy's parameters, wake/wake-policy.ts),
 * how often it writes the state for `agent status`, and how often it looks while stopping.
 */
import type { ResolvedAgentOptions } from '../options.ts';
import { busyTickFor, WakePolicy } from '../wake/wake-policy.ts';

/** Idle: after a directory event, looking sooner than this after the previous look buys nothing. */
const MIN_LOOK_MS = 100;
/** Busy: back to inotify after this long without growth. */
const IDLE_AFTER_MS = 1000;
/** Idle: this many directory events between two looks, nothing tracked grown: a noisy folder. */
const NOISY_EVENTS = 20;
/** State is also written this often while files change, so `agent status` shows a fresh lag. */
export const STATUS_SAVE_MS = 5000;
/** While stopping, how often to look for a partial line's newline. */
export const STOP_TICK_MS = 100;

/** The wake policy of a loop run with options `o`: polls every `pollIntervalMs`, busy ticks from `batchAgeMs`. */
export function loopWakePolicy(o: ResolvedAgentOptions): WakePolicy {
  return new WakePolicy({
    pollIntervalMs: o.pollIntervalMs,
    minLookMs: MIN_LOOK_MS,
    busyTickMs: busyTickFor(o.batchAgeMs),
    idleAfterMs: IDLE_AFTER_MS,
    noisyEvents: NOISY_EVENTS,
  });
}
