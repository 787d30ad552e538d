/** Counters a run reports at the end: lines by status class, time span, and (for --url) failures. */

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';

export interface GenStats {
  /** Requests written (file mode) or answered (URL mode). */
  lines: number;
  byClass: Record<StatusClass, number>;
  /** URL mode: requests that got no HTTP answer (refused, reset, timed out). */
  failed: number;
  /** First and last request time, epoch ms. */
  firstTime: number | undefined;
  lastTime: number | undefined;
}

export function createStats(): GenStats {
  return {
    lines: 0,
    byClass: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
    failed: 0,
    firstTime: undefined,
    lastTime: undefined,
  };
}

export function statusClass(status: number): StatusClass {
  return `${Math.min(5, Math.max(1, Math.floor(status / 100)))}xx` as StatusClass;
}

export function countStatus(stats: GenStats, status: number, time: number): void {
  stats.lines++;
  stats.byClass[statusClass(status)]++;
  stats.firstTime ??= time;
  stats.lastTime = time;
}

/** `2xx 912 · 3xx 40 · 4xx 31 · 5xx 17` (classes with zero requests left out). */
export function formatClasses(stats: GenStats): string {
  const parts = Object.entries(stats.byClass)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${n}`);
  return parts.length ? parts.join(' · ') : 'no requests';
}
