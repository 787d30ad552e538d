/**
 * What nginx answers in file mode (`gen --output`): status, body size, `$request_time` and
 * `$upstream_response_time` per route kind. Latencies are log-normal with a heavy (Pareto) tail, so p99
 * sits far above the median as on real servers; sizes follow the kind of resource. Error pages have
 * nginx's own sizes. With `gen --url`, the real server answers instead and this model is not used.
 */
import type { RouteKind } from './catalog.ts';
import type { Random } from './random.ts';
import type { TrafficRequest } from './traffic.ts';

export interface TrafficResponse {
  status: number;
  /** `$body_bytes_sent` */
  bodyBytes: number;
  /** `$request_time`, seconds. */
  requestTime: number;
  /** `$upstream_response_time` as nginx writes it, or undefined when nginx answered by itself. */
  upstreamResponseTime: string | undefined;
}

/** Sizes of nginx's built-in error pages with `server_tokens off`. */
const ERROR_PAGE_BYTES: Record<number, number> = {
  301: 162,
  400: 150,
  403: 146,
  404: 146,
  429: 162,
  500: 170,
  502: 150,
  503: 190,
  504: 160,
};

/** Median seconds per route kind: static files are fast, the legacy API is slow. */
const MEDIAN_SECONDS: Record<RouteKind, number> = {
  page: 0.018,
  asset: 0.0008,
  api: 0.022,
  search: 0.06,
  legacy: 0.15,
  redirect: 0,
  admin: 0,
  missing: 0,
};

/** The search rate limit of nginx/nginx.conf: 20 r/s with a burst of 10, per client address. */
const SEARCH_LIMIT = { perSecond: 20, burst: 10 };

export interface ResponseModel {
  respond(request: TrafficRequest): TrafficResponse;
}

export function createResponseModel(random: Random): ResponseModel {
  // Leaky bucket per address for /api/search, as nginx's limit_req keeps it (excess drains at the rate).
  const searchExcess = new Map<string, { excess: number; at: number }>();

  const latency = (kind: RouteKind): number => {
    const median = MEDIAN_SECONDS[kind];
    if (median === 0) return 0;
    let seconds = random.logNormal(median, 0.7);
    // About 2% of requests hit a slow path (GC pause, cold cache, lock): the long tail.
    if (random.chance(0.02)) seconds *= 5 + random.pareto(1.3) * 5;
    return Math.min(seconds, 60);
  };

  const fixed = (status: number, requestTime = 0): TrafficResponse => ({
    status,
    bodyBytes: ERROR_PAGE_BYTES[status] ?? 0,
    requestTime,
    upstreamResponseTime: undefined,
  });

  const proxied = (status: number, bodyBytes: number, seconds: number): TrafficResponse => ({
    status,
    bodyBytes,
    requestTime: seconds,
    upstreamResponseTime: Math.max(0, seconds - 0.0005).toFixed(3),
  });

  const limited = (request: TrafficRequest): boolean => {
    const key = request.client.ip;
    const state = searchExcess.get(key) ?? { excess: 0, at: request.time };
    const drained = Math.max(0, state.excess - ((request.time - state.at) / 1000) * SEARCH_LIMIT.perSecond);
    if (drained + 1 > SEARCH_LIMIT.burst) {
      searchExcess.set(key, { excess: drained, at: request.time });
      return true;
    }
    searchExcess.set(key, { excess: drained + 1, at: request.time });
    if (searchExcess.size > 10_000) searchExcess.clear();
    return false;
  };

  return {
    respond(request) {
      const head = request.method === 'HEAD';
      const body = (bytes: number) => (head ? 0 : Math.round(bytes));
      switch (request.kind) {
        case 'redirect':
          return fixed(301);
        case 'admin':
          return fixed(403);
        case 'missing':
          return fixed(404);
        case 'asset': {
          // Returning browsers revalidate: 304 with no body.
          if (request.sessionId && random.chance(0.3)) return fixed(304, latency('asset'));
          const size = request.path.endsWith('.js')
            ? 182_000
            : request.path.endsWith('.css')
              ? 41_000
              : 58_000;
          const bytes = random.logNormal(size, 0.25);
          // Big files to slow clients take a while: bytes over a per-client throughput.
          const seconds = latency('asset') + bytes / random.logNormal(4_000_000, 1);
          return {
            status: 200,
            bodyBytes: body(bytes),
            requestTime: seconds,
            upstreamResponseTime: undefined,
          };
        }
        case 'search':
          if (limited(request)) return fixed(429);
          return proxied(200, body(random.logNormal(3_200, 0.5)), latency('search'));
        case 'legacy': {
          if (request.outage) {
            // Connection refused answers at once; a hung upstream hits proxy_read_timeout.
            if (random.chance(0.85))
              return { ...fixed(502, random.logNormal(0.002, 0.4)), upstreamResponseTime: '0.001' };
            return { ...fixed(504, 60 + random.next() * 0.01), upstreamResponseTime: '60.001' };
          }
          return proxied(200, body(random.logNormal(900, 0.3)), latency('legacy'));
        }
        case 'api': {
          const roll = random.next();
          if (roll < 0.004) return proxied(500, 170, latency('api'));
          if (roll < 0.012) return proxied(request.method === 'POST' ? 400 : 401, 90, latency('api'));
          if (request.method === 'OPTIONS') return proxied(204, 0, latency('api') / 4);
          return proxied(
            request.method === 'POST' ? 201 : 200,
            body(random.logNormal(1_400, 0.6)),
            latency('api'),
          );
        }
        case 'page': {
          const seconds = latency('page');
          // Clients that give up on a slow page: nginx logs 499 with nothing sent.
          if (seconds > 2 && random.chance(0.3))
            return { ...proxied(499, 0, seconds), upstreamResponseTime: undefined };
          if (request.path === '/robots.txt')
            return { status: 200, bodyBytes: 67, requestTime: 0, upstreamResponseTime: undefined };
          if (random.chance(0.001)) return proxied(500, 170, seconds);
          return proxied(200, body(random.logNormal(request.path === '/' ? 24_000 : 14_000, 0.3)), seconds);
        }
      }
    },
  };
}
