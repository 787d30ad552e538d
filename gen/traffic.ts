/**
 * The traffic model: an endless, time-ordered stream of requests at a mean rate, with Poisson arrivals
 * and bursts on top. Bursts are what make dashboards interesting and alerts testable:
 * - `scanner`: one new address probing for /wp-login.php, /.env, … (a 404 burst);
 * - `search-storm`: one script hammering /api/search far above the rate limit (a 429 burst);
 * - `outage`: the legacy order API is down; clients retry it (a 502/504 burst).
 * The first burst comes 8–15 s in (so a short demo shows one), then about every 40 s (less often
 * below 10 requests/s).
 */
import { EXTERNAL_REFERERS, ROUTES, type RouteKind, SCANNER_PATHS, SCANNER_USER_AGENTS } from './catalog.ts';
import { type Client, type ClientPool, createClientPool } from './clients.ts';
import type { Random } from './random.ts';

export type BurstKind = 'scanner' | 'search-storm' | 'outage';

export interface TrafficRequest {
  /** Epoch milliseconds at which the request is logged. */
  time: number;
  client: Client;
  method: string;
  /** Request URI with query string, as `$request_uri`. */
  path: string;
  kind: RouteKind;
  referer: string | undefined;
  sessionId: string | undefined;
  /** Set while a burst is on and this request belongs to it or is affected by it. */
  burst: BurstKind | undefined;
  /** True while the legacy API is down (the response model fails legacy calls). */
  outage: boolean;
}

export interface TrafficModelOptions {
  random: Random;
  /** Mean requests per second of normal traffic. */
  rate: number;
  /** Epoch ms of the first request. */
  start: number;
  /** Origin used in same-site referers. Default `https://shop.example.com`. */
  origin?: string;
}

interface Burst {
  kind: BurstKind;
  end: number;
  /** Extra requests per second the burst adds. */
  rate: number;
  next: number;
  client: Client;
}

const BURST_ORDER: readonly BurstKind[] = ['outage', 'scanner', 'search-storm'];

/** Creates the request stream; call `next()` for each request, in time order. */
export function createTrafficModel(options: TrafficModelOptions): { next(): TrafficRequest } {
  const { random, rate } = options;
  const origin = options.origin ?? 'https://shop.example.com';
  const pool: ClientPool = createClientPool(random, Math.max(40, Math.min(2000, Math.round(rate * 20))));
  const routeWeights = ROUTES.map((route) => [route, route.weight] as const);
  const pageWeights = routeWeights.filter(([route]) => route.entry === true);
  const msPerSecond = 1000;

  let baseline = options.start + random.exponential(rate) * msPerSecond;
  let burstIndex = random.int(0, BURST_ORDER.length - 1);
  let nextBurstAt = options.start + random.int(8_000, 15_000);
  let burst: Burst | undefined;
  // About every 40 s at 10 req/s and above; rarer on quiet sites, so bursts never outweigh the traffic.
  const burstGapSeconds = 40 * Math.max(1, 10 / rate);

  const startBurst = (at: number): Burst => {
    const kind = BURST_ORDER[burstIndex++ % BURST_ORDER.length]!;
    const seconds = random.int(4, 10);
    const end = at + seconds * msPerSecond;
    if (kind === 'scanner') {
      const client = pool.stranger('script', random.pick(SCANNER_USER_AGENTS));
      return { kind, end, rate: Math.max(8, rate * 0.5), next: at, client };
    }
    if (kind === 'search-storm') {
      const client = pool.stranger('script');
      // Well above nginx/nginx.conf's 20 r/s limit, so roughly half of it is answered 429.
      return { kind, end, rate: 45, next: at, client };
    }
    return { kind, end, rate: Math.max(3, rate * 0.4), next: at, client: pool.pick() };
  };

  const normal = (time: number): TrafficRequest => {
    const client = pool.pick();
    // Crawlers and monitors have their own habits; everyone else follows the route mix.
    let route = random.weighted(routeWeights);
    if (client.kind === 'monitor') route = ROUTES[0]!;
    // A browser's visit starts with a page (which sets the session cookie), then assets and API calls.
    else if ((client.kind === 'browser' || client.kind === 'mobile') && client.sessionLeft <= 0)
      route = random.weighted(pageWeights);
    const method = client.kind === 'monitor' && random.chance(0.5) ? 'HEAD' : route.method(random);
    const path = client.kind === 'monitor' ? '/' : route.path(random);
    const referer = refererFor(client, route.kind, path);
    return {
      time,
      client,
      method,
      path,
      kind: route.kind,
      referer,
      sessionId: sessionFor(client, route.kind),
      burst: burst?.kind,
      outage: burst?.kind === 'outage',
    };
  };

  const fromBurst = (b: Burst, time: number): TrafficRequest => {
    if (b.kind === 'scanner') {
      return {
        time,
        client: b.client,
        method: random.chance(0.85) ? 'GET' : 'POST',
        path: random.pick(SCANNER_PATHS),
        kind: 'missing',
        referer: undefined,
        sessionId: undefined,
        burst: b.kind,
        outage: false,
      };
    }
    if (b.kind === 'search-storm') {
      return {
        time,
        client: b.client,
        method: 'GET',
        path: `/api/search?q=${random.pick(['a', 'b', 'c', 'sale', 'cheap'])}&page=${random.int(1, 50)}`,
        kind: 'search',
        referer: undefined,
        sessionId: undefined,
        burst: b.kind,
        outage: false,
      };
    }
    // Outage: clients retry the order call that keeps failing.
    const client = pool.pick();
    return {
      time,
      client,
      method: 'POST',
      path: `/api/legacy/orders?id=${random.int(100000, 999999)}&retry=${random.int(1, 3)}`,
      kind: 'legacy',
      referer: `${origin}/checkout`,
      sessionId: sessionFor(client, 'api'),
      burst: b.kind,
      outage: true,
    };
  };

  function sessionFor(client: Client, kind: RouteKind): string | undefined {
    if (client.kind !== 'browser' && client.kind !== 'mobile') return undefined;
    // The session cookie is set by the first page; assets and API calls carry it once it exists.
    if (kind === 'page' && client.sessionLeft <= 0) {
      client.sessionId = random.token(26);
      client.sessionLeft = random.int(5, 120);
      return undefined;
    }
    client.sessionLeft--;
    return client.sessionId;
  }

  function refererFor(client: Client, kind: RouteKind, path: string): string | undefined {
    if (client.kind !== 'browser' && client.kind !== 'mobile') return undefined;
    let referer: string | undefined;
    if (kind === 'page') {
      referer = client.lastPage
        ? `${origin}${client.lastPage}`
        : random.chance(0.6)
          ? random.pick(EXTERNAL_REFERERS)
          : undefined;
      client.lastPage = path;
    } else {
      referer = `${origin}${client.lastPage ?? '/'}`;
    }
    return referer;
  }

  return {
    next() {
      for (;;) {
        if (!burst && baseline >= nextBurstAt) burst = startBurst(nextBurstAt);
        if (burst && burst.next >= burst.end && baseline >= burst.end) {
          nextBurstAt = burst.end + random.exponential(1 / burstGapSeconds) * msPerSecond;
          burst = undefined;
          continue;
        }
        if (burst && burst.next < baseline && burst.next < burst.end) {
          const time = burst.next;
          burst.next += random.exponential(burst.rate) * msPerSecond;
          return fromBurst(burst, Math.floor(time));
        }
        const time = baseline;
        baseline += random.exponential(rate) * msPerSecond;
        return normal(Math.floor(time));
      }
    },
  };
}
