import type { GeneratedRequest } from '../generator.ts';
import type { GenStats } from '../stats.ts';

/** Where generated requests go: a log file (or stdout), or a real HTTP server. */
export interface Sink {
  /** Accepts requests in time order; waits when the destination is behind (bounded memory). */
  write(batch: readonly GeneratedRequest[]): Promise<void>;
  /** Finishes in-flight work and releases the destination. */
  close(): Promise<void>;
  readonly stats: GenStats;
  /** `access.log`, `stdout` or the URL: for the summary line. */
  readonly target: string;
}
