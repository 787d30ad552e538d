/**
 * The pieces of retrying a delivery: how long a `Retry-After` asks to wait, one line for a failed
 * request, and an abortable wait.
 */

/** Longest wait a `Retry-After` can impose: a misconfigured proxy must not park the agent for hours. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** `Retry-After`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3), in ms, capped at 5 minutes. */
export function parseRetryAfter(value: string | null, now = Date.now()): number {
  if (!value) return 0;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS) : 0;
}

/** One line for a failed request: node:http puts the errno on the error, fetch (undici) in its `cause`. */
export function describeNetworkError(error: unknown, timeoutMs: number): string {
  const err = error as Error & { code?: string; cause?: { code?: string; message?: string; name?: string } };
  if (err?.name === 'TimeoutError' || err?.cause?.name === 'TimeoutError')
    return `no answer within ${timeoutMs} ms`;
  const code = err?.code ?? err?.cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused: is the ingest running, and is --endpoint right?';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found: check --endpoint';
    case 'ECONNRESET':
      return 'connection reset by the ingest';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connection timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to the ingest host';
    default:
      return err?.cause?.message ?? err?.message ?? String(error);
  }
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
