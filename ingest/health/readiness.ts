/**
 * Readiness from what the ingest saw of its storage: degraded after a storage write failed, ready again
 * after the next write that succeeds. `/healthz` stays liveness (the process serves); `/readyz` answers
 * 503 with the reason while degraded, so a load balancer or an operator sees that batches are failing.
 * The reason names no endpoint, bucket or path: those go to the log only.
 */
export type Readiness =
  | { ready: true }
  | { ready: false; reason: string; failures: number; since: string; last: string };

export interface ReadinessTracker {
  storageFailed(kind: 'throttled' | 'failed'): void;
  storageSucceeded(): void;
  state(): Readiness;
}

export function createReadinessTracker(now: () => Date = () => new Date()): ReadinessTracker {
  let failures = 0;
  let since = '';
  let last = '';
  let lastKind: 'throttled' | 'failed' = 'failed';
  return {
    storageFailed(kind) {
      const at = now().toISOString();
      if (failures === 0) since = at;
      failures++;
      last = at;
      lastKind = kind;
    },
    storageSucceeded() {
      failures = 0;
    },
    state() {
      if (failures === 0) return { ready: true };
      const what =
        lastKind === 'throttled' ? 'storage is throttling or timing out' : 'storage writes are failing';
      return {
        ready: false,
        reason: `${what}: ${failures} failed batch write(s) since ${since}, the last at ${last}, none succeeded since (details in the ingest log)`,
        failures,
        since,
        last,
      };
    },
  };
}
