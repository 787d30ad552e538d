/**
 * Sends one gzipped batch to ingest (`POST <endpoint>` + the wire contract's `BATCHES_PATH`, with its
 * `WIRE_HEADERS`; docs/wire-protocol.md) and
 * retries until ingest stores it: exponential backoff with jitter on network errors, 408, 429 and 5xx,
 * never sooner than a `Retry-After` asks (RFC 9110 §10.2.3). Answers that retrying cannot fix end the
 * attempt with a typed error: 401/403 ({@link AuthRejectedError}), 413 ({@link BatchTooLargeError}, the
 * loop splits the batch), other 4xx ({@link IngestRejectedError}).
 */
import type { Logger } from '../../lib/log/index.ts';
import { BATCHES_PATH, type BatchAnswer, WIRE_HEADERS } from '../../wire/index.ts';
import { AuthRejectedError, BatchConflictError, BatchTooLargeError } from '../errors.ts';
import { errorDetail, readAnswer, rejection } from './answers.ts';
import { createNodeTransport, type HttpAnswer, type HttpTransport } from './http-transport.ts';
import { describeNetworkError, parseRetryAfter, sleep } from './retry.ts';

export { parseRetryAfter } from './retry.ts';

export interface SenderOptions {
  /** ingest's base URL, e.g. `http://127.0.0.1:8080`. */
  endpoint: string;
  token: string;
  /** `X-Log-Format` of the start-up access check; each batch names its own. */
  format: string;
  /** `X-Source`. */
  source: string;
  /** One request's limit; a slower answer counts as a network error and is retried. */
  requestTimeoutMs: number;
  /** First retry delay; doubles per attempt up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  logger: Logger;
  /** Default: node:http(s) with keep-alive (see http-transport.ts). `fetch` fits too. */
  transport?: HttpTransport;
  /** For tests: a fixed jitter source. */
  random?: () => number;
  /** Told about every failed attempt (for status). */
  onRetry?: (failure: { attempt: number; delayMs: number; reason: string }) => void;
}

export interface OutgoingBatch {
  /** The Idempotency-Key. */
  batchId: string;
  /** `X-Log-Format`: the format of the file the lines come from. */
  format: string;
  /** gzip bytes. */
  body: Uint8Array;
  lines: number;
  rawBytes: number;
}

/** ingest's answer to a stored batch (the wire contract's, docs/wire-protocol.md). */
export type IngestAnswer = BatchAnswer;

/** How many attempts one `send` makes, and how the first is numbered (retries go on across calls). */
export interface SendBudget {
  /** The number of this call's first attempt (1 for a batch never tried). Default 1. */
  firstAttempt?: number;
  /**
   * After this many failed attempts in this call, reject with {@link RetryLater} instead of waiting
   * out the backoff, so the caller can send other files' batches meanwhile. Default: no limit.
   */
  maxAttempts?: number;
}

export interface Sender {
  /**
   * Resolves once ingest stored the batch; rejects on a non-retryable answer or when `signal` aborts.
   * Once `noRetry` is aborted (the agent is stopping) a failed attempt is not retried: it rejects with
   * {@link RetriesStopped} and the batch stays pending for the next start.
   */
  send(
    batch: OutgoingBatch,
    signal: AbortSignal,
    noRetry?: AbortSignal,
    budget?: SendBudget,
  ): Promise<IngestAnswer>;
  /**
   * One empty POST at start-up, so a wrong token stops the agent at once instead of at the first line
   * (an empty batch stores nothing). Throws {@link AuthRejectedError} on 401/403; returns why ingest is
   * unreachable, or undefined when it answered.
   */
  checkAccess(): Promise<string | undefined>;
}

export function createSender(options: SenderOptions): Sender {
  const doFetch = options.transport ?? createNodeTransport();
  const random = options.random ?? Math.random;
  const base = options.endpoint.replace(/\/+$/, '');
  const url = `${base}${BATCHES_PATH}`;
  const log = options.logger;

  /** The wire protocol's headers every POST carries (docs/wire-protocol.md). */
  const wireHeaders = (batchId: string, format: string): Record<string, string> => ({
    [WIRE_HEADERS.authorization]: `Bearer ${options.token}`,
    [WIRE_HEADERS.idempotencyKey]: batchId,
    [WIRE_HEADERS.logFormat]: format,
    [WIRE_HEADERS.source]: options.source,
  });

  async function attempt(batch: OutgoingBatch, signal: AbortSignal): Promise<IngestAnswer | Retry> {
    let response: HttpAnswer;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: {
          ...wireHeaders(batch.batchId, batch.format),
          // Not text/*: API Gateway HTTP APIs and Lambda Function URLs base64-encode a body for Lambda
          // only when its Content-Type is not text, so a gzip body labelled text/plain arrives mangled
          // and is refused (test/runtimes/lambda-handler.test.ts). The ingest ignores Content-Type.
          'Content-Type': 'application/octet-stream',
          [WIRE_HEADERS.contentEncoding]: 'gzip',
        },
        body: batch.body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(options.requestTimeoutMs)]),
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      return { retry: true, reason: describeNetworkError(error, options.requestTimeoutMs), retryAfterMs: 0 };
    }
    if (response.ok) return readAnswer(response, batch.batchId, base);
    const detail = await errorDetail(response);
    const status = response.status;
    if (status === 401 || status === 403) throw new AuthRejectedError(status, base, detail);
    if (status === 413) throw new BatchTooLargeError(batch.rawBytes, detail);
    // Same key, different bytes (docs/wire-protocol.md): the range changed under the agent.
    if (status === 409) throw new BatchConflictError(batch.batchId, detail);
    if (status === 408 || status === 429 || status >= 500) {
      return {
        retry: true,
        reason: `ingest answered ${status}${detail ? `: ${detail}` : ''}`,
        retryAfterMs: parseRetryAfter(response.headers.get(WIRE_HEADERS.retryAfter)),
      };
    }
    throw rejection(status, detail, base);
  }

  return {
    async send(batch, signal, noRetry, budget = {}) {
      const first = budget.firstAttempt ?? 1;
      const last = first + (budget.maxAttempts ?? Number.POSITIVE_INFINITY) - 1;
      for (let n = first; ; n++) {
        const result = await attempt(batch, signal);
        if (!('retry' in result)) {
          if (n > 1) log.info('ingest took the batch after retries', { batchId: batch.batchId, attempts: n });
          return result;
        }
        if (noRetry?.aborted) throw new RetriesStopped(result.reason);
        const exponential = Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** (n - 1));
        // Equal jitter: half fixed, half random, so agents that failed together do not retry together.
        const delayMs = Math.max(
          result.retryAfterMs,
          Math.round(exponential / 2 + (random() * exponential) / 2),
        );
        const fields = {
          endpoint: base,
          batchId: batch.batchId,
          attempt: n,
          reason: result.reason,
          retryInMs: delayMs,
        };
        // Loud at first, then on every doubling, so a long outage does not flood the log.
        if ((n & (n - 1)) === 0)
          log.warn('cannot deliver batch to ingest, retrying; lines wait in the log file', fields);
        else log.debug('retrying batch', fields);
        options.onRetry?.({ attempt: n, delayMs, reason: result.reason });
        if (n >= last) throw new RetryLater(result.reason, n, delayMs);
        try {
          await sleep(delayMs, noRetry ? AbortSignal.any([signal, noRetry]) : signal);
        } catch (error) {
          if (noRetry?.aborted && !signal.aborted) throw new RetriesStopped(result.reason);
          throw error;
        }
      }
    },
    async checkAccess() {
      let response: HttpAnswer;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: wireHeaders('agent-access-check', options.format),
          body: new Uint8Array(0),
          signal: AbortSignal.timeout(options.requestTimeoutMs),
        });
      } catch (error) {
        return describeNetworkError(error, options.requestTimeoutMs);
      }
      const detail = await errorDetail(response);
      if (response.status === 401 || response.status === 403)
        throw new AuthRejectedError(response.status, base, detail);
      if (response.status === 404 || response.status === 405) throw rejection(response.status, detail, base);
      if (response.status >= 500) return `ingest answered ${response.status}${detail ? `: ${detail}` : ''}`;
      return undefined;
    },
  };
}

/** The agent is stopping and the last attempt failed: the batch waits, pending, for the next start. */
export class RetriesStopped extends Error {
  constructor(readonly reason: string) {
    super(`not retrying while stopping (last attempt: ${reason})`);
    this.name = 'RetriesStopped';
  }
}

/** The call's attempts are used up: try again after `delayMs` (the backoff and any Retry-After). */
export class RetryLater extends Error {
  constructor(
    readonly reason: string,
    readonly attempts: number,
    readonly delayMs: number,
  ) {
    super(`ingest did not take the batch after ${attempts} attempts (last: ${reason})`);
    this.name = 'RetryLater';
  }
}

/** A failed attempt that retrying can fix: why, and the least wait ingest asked for (ms). */
interface Retry {
  retry: true;
  reason: string;
  retryAfterMs: number;
}
