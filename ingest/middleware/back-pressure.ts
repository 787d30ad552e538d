/**
 * Back-pressure for the batch route: at most `maxInFlight` batches are handled at once; one more is
 * refused at once with 503 and `Retry-After` (RFC 9110 §10.2.3) instead of queueing, so a slow store
 * makes agents back off rather than pile up bodies in memory. Runs after authentication, so a client
 * without a token cannot take a slot (docs/wire-protocol.md, "Answers").
 */
import type { MiddlewareHandler } from 'hono';
import { HttpError } from '../../lib/errors/index.ts';

export interface BackPressureOptions {
  /** Batches handled at once (`--max-concurrent-batches`). */
  maxInFlight: number;
  /** Seconds the 503's `Retry-After` asks for. */
  retryAfterSeconds: number;
}

/** Throws `HttpError(503)` with `retryAfterSeconds` when `maxInFlight` batches are already being handled. */
export function backPressure(options: BackPressureOptions): MiddlewareHandler {
  let inFlight = 0;
  return async function backPressure(_c, next) {
    if (inFlight >= options.maxInFlight) {
      throw new HttpError(503, `ingest is busy (${inFlight} batches in flight): retry later`, {
        retryAfterSeconds: options.retryAfterSeconds,
      });
    }
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
    }
  };
}
