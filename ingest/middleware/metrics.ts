/**
 * Metrics middleware for the batch route: the time to answer each request
 * (`accesslake_request_duration_seconds`) and each answer counted by its HTTP status
 * (`accesslake_batches_total{status}`), refusals included. Placed first, so it sees the final response:
 * Hono's compose hands a thrown error to the app's `onError` inside `next()`, so `c.res` is the error
 * answer by the time `next()` resolves.
 */
import type { MiddlewareHandler } from 'hono';
import type { Counter, Histogram } from '../metrics/registry.ts';

export interface RequestMetrics {
  /** Observes seconds. */
  requestSeconds: Histogram;
  /** Counted with the label `status`. */
  answers: Counter;
}

export function requestMetrics(metrics: RequestMetrics): MiddlewareHandler {
  return async function requestMetrics(c, next) {
    const started = performance.now();
    try {
      await next();
    } finally {
      metrics.requestSeconds.observe((performance.now() - started) / 1000);
    }
    metrics.answers.inc({ status: String(c.res.status) });
  };
}
