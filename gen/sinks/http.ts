/**
 * Drives real HTTP requests at a server (`gen --url`): the generated method, path, User-Agent, Referer,
 * session cookie and X-Forwarded-For, at most `concurrency` in flight. The server answers and logs;
 * nginx/nginx.conf trusts X-Forwarded-For from private networks (realip), so the log shows the generated
 * client addresses. If nothing ever answers, it stops with one line saying which URL failed.
 */
import { AccessLakeError } from '../../lib/errors/index.ts';
import type { GeneratedRequest } from '../generator.ts';
import { countStatus, createStats } from '../stats.ts';
import type { Sink } from './types.ts';

export interface HttpSinkOptions {
  url: string;
  /** Requests in flight at most. Default 16. */
  concurrency?: number;
  /** Per-request timeout, ms. Default 10 000. */
  timeoutMs?: number;
}

/** Consecutive failures, with no answer ever, after which the URL is judged unreachable. */
const UNREACHABLE_AFTER = 10;

export function createHttpSink(options: HttpSinkOptions): Sink {
  const base = new URL(options.url);
  const prefix = base.pathname.replace(/\/+$/, '');
  const concurrency = options.concurrency ?? 16;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const stats = createStats();
  const inFlight = new Set<Promise<void>>();
  let answered = false;
  let consecutiveFailures = 0;
  let lastError: unknown;

  const send = async ({ request }: GeneratedRequest) => {
    const headers: Record<string, string> = {};
    if (request.client.userAgent) headers['user-agent'] = request.client.userAgent;
    if (request.referer) headers.referer = request.referer;
    if (request.sessionId) headers.cookie = `session=${request.sessionId}`;
    const forwarded = request.client.forwardedFor;
    headers['x-forwarded-for'] = forwarded ? `${forwarded}, ${request.client.ip}` : request.client.ip;
    const hasBody = request.method === 'POST';
    if (hasBody) headers['content-type'] = 'application/json';
    try {
      const response = await fetch(new URL(prefix + request.path, base), {
        method: request.method,
        headers,
        body: hasBody ? '{"items":1}' : null,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer();
      answered = true;
      consecutiveFailures = 0;
      countStatus(stats, response.status, Date.now());
    } catch (error) {
      stats.failed++;
      consecutiveFailures++;
      lastError = error;
    }
  };

  const unreachable = () => {
    // fetch wraps the socket error ("fetch failed"); its cause names it (connect ECONNREFUSED …).
    const cause =
      lastError instanceof Error && lastError.cause instanceof Error ? lastError.cause : lastError;
    return new AccessLakeError(`--url: ${base.origin} does not answer: start the server or fix the URL`, {
      cause,
    });
  };

  return {
    stats,
    target: base.href,
    async write(batch) {
      for (const generated of batch) {
        if (!answered && consecutiveFailures >= UNREACHABLE_AFTER) throw unreachable();
        while (inFlight.size >= concurrency) await Promise.race(inFlight);
        const p: Promise<void> = send(generated).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
    },
    async close() {
      await Promise.all(inFlight);
      if (!answered && stats.failed > 0) throw unreachable();
    },
  };
}
