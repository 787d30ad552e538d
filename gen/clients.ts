/**
 * The population sending the traffic: browsers with sessions, phones, crawlers, scripts and uptime
 * monitors, each with a stable IP (about one in ten IPv6) and user agent. A few browsers sit behind a
 * shared corporate proxy, so nginx sees the proxy's address and the client's in X-Forwarded-For.
 * Popularity is skewed (a few clients send much of the traffic), as it is on real sites.
 */
import { type ClientKind, USER_AGENTS } from './catalog.ts';
import type { Random } from './random.ts';

export interface Client {
  kind: ClientKind;
  /** The address nginx sees (`$remote_addr`). */
  ip: string;
  /** `$http_x_forwarded_for` when the client sits behind a proxy. */
  forwardedFor: string | undefined;
  userAgent: string;
  protocol: 'HTTP/1.1' | 'HTTP/2.0';
  /** Current `session` cookie; browsers get one on their first page and keep it for a while. */
  sessionId: string | undefined;
  /** Requests left before the session expires and the next page starts a new one. */
  sessionLeft: number;
  /** Last page this client saw, used as the Referer of its next request. */
  lastPage: string | undefined;
}

export interface ClientPool {
  /** A client by popularity. */
  pick(): Client;
  /** A fresh client outside the pool (scanners, storms). */
  stranger(kind: ClientKind, userAgent?: string): Client;
}

const KIND_WEIGHTS: readonly (readonly [ClientKind, number])[] = [
  ['browser', 55],
  ['mobile', 30],
  ['bot', 8],
  ['script', 5],
  ['monitor', 2],
];

/** Public-looking IPv4 first octets (no private, loopback, multicast or reserved ranges). */
const V4_FIRST_OCTETS = [
  5, 23, 31, 37, 46, 62, 66, 73, 77, 81, 84, 91, 98, 104, 109, 151, 176, 185, 203, 212,
];
/** Prefixes of large IPv6 access networks. */
const V6_PREFIXES = ['2a02:8108', '2a01:cb00', '2600:1700', '2001:4860', '2a00:23c7', '2406:da18'];

export function randomIPv4(random: Random): string {
  return `${random.pick(V4_FIRST_OCTETS)}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`;
}

/**
 * RFC 5952 text form as nginx prints it (inet_ntop): `prefix:g3:g4::g7:g8`. Groups are never zero, so
 * the `::` run is exactly the two middle groups and the text is already in canonical form.
 */
export function randomIPv6(random: Random): string {
  const group = () => random.int(1, 0xffff).toString(16);
  return `${random.pick(V6_PREFIXES)}:${group()}:${group()}::${group()}:${group()}`;
}

export function createClientPool(random: Random, size: number): ClientPool {
  const proxies = [randomIPv4(random), randomIPv4(random)];
  const make = (kind: ClientKind, userAgent?: string): Client => {
    const v6 = random.chance(0.12);
    const behindProxy = (kind === 'browser' || kind === 'mobile') && !v6 && random.chance(0.08);
    const own = v6 ? randomIPv6(random) : randomIPv4(random);
    return {
      kind,
      ip: behindProxy ? random.pick(proxies) : own,
      forwardedFor: behindProxy
        ? `10.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`
        : undefined,
      userAgent: userAgent ?? random.pick(USER_AGENTS[kind]),
      protocol:
        kind === 'browser' || kind === 'mobile' ? (random.chance(0.7) ? 'HTTP/2.0' : 'HTTP/1.1') : 'HTTP/1.1',
      sessionId: undefined,
      sessionLeft: 0,
      lastPage: undefined,
    };
  };
  const clients = Array.from({ length: size }, () => make(random.weighted(KIND_WEIGHTS)));
  // Zipf-like popularity: client i has weight 1/(i+1)^0.9.
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < size; i++) {
    total += 1 / (i + 1) ** 0.9;
    cumulative.push(total);
  }
  return {
    pick() {
      const r = random.next() * total;
      let lo = 0;
      let hi = size - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! > r) hi = mid;
        else lo = mid + 1;
      }
      return clients[lo]!;
    },
    stranger: make,
  };
}
