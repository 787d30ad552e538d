/**
 * What the generated traffic is made of: the routes of a small web shop (matching nginx/nginx.conf, so
 * `gen --url` against the compose nginx gets the statuses the file mode writes), user agents, referers
 * and search words. Plain data, so a reader can see at a glance what "realistic" means here.
 */
import type { Random } from './random.ts';

/** How a route behaves; the response model picks status, size and latency from it. */
export type RouteKind = 'page' | 'asset' | 'api' | 'search' | 'legacy' | 'redirect' | 'admin' | 'missing';

export interface Route {
  kind: RouteKind;
  /** Relative weight in normal traffic. */
  weight: number;
  method: (random: Random) => string;
  path: (random: Random) => string;
  /** A page a visit can start on (landing from a search engine or a link). */
  entry?: boolean;
}

const get = () => 'GET';
const SORTS = ['price', 'rating', 'newest', 'popular'] as const;
const CATEGORIES = ['shoes', 'bags', 'kitchen', 'garden', 'toys', 'books', 'audio', 'lighting'] as const;
const ASSET_HASHES = ['3f9a1c2e', 'b71d04aa', 'c0ffee42', '9e8d7c6b'] as const;
export const SEARCH_WORDS = [
  'red shoes',
  'usb-c cable',
  'coffee grinder',
  'garden hose',
  'lego',
  'headphones',
  'desk lamp',
  'backpack',
  'cast iron pan',
  'running socks',
  'e-reader',
  'standing desk',
] as const;

const productId = (random: Random) => Math.min(9999, Math.floor(random.pareto(1.1) * 10));
const searchQuery = (random: Random) => random.pick(SEARCH_WORDS).replaceAll(' ', '+');

/** Normal traffic: pages and assets dominate, as on any shop front. */
export const ROUTES: readonly Route[] = [
  { kind: 'page', weight: 8, method: get, path: () => '/', entry: true },
  {
    kind: 'page',
    weight: 10,
    entry: true,
    method: get,
    path: (r) =>
      r.chance(0.5)
        ? `/products?category=${r.pick(CATEGORIES)}&page=${r.int(1, 12)}&sort=${r.pick(SORTS)}`
        : `/products?page=${r.int(1, 30)}`,
  },
  {
    kind: 'page',
    weight: 14,
    entry: true,
    method: get,
    path: (r) =>
      `/products/${productId(r)}${r.chance(0.3) ? `?ref=${r.pick(['home', 'search', 'email'])}` : ''}`,
  },
  {
    kind: 'page',
    weight: 3,
    method: get,
    path: (r) => `/products/${productId(r)}/reviews?page=${r.int(1, 5)}`,
  },
  { kind: 'asset', weight: 9, method: get, path: (r) => `/static/js/app.${r.pick(ASSET_HASHES)}.js` },
  { kind: 'asset', weight: 7, method: get, path: (r) => `/static/css/main.${r.pick(ASSET_HASHES)}.css` },
  { kind: 'asset', weight: 14, method: get, path: (r) => `/static/img/p${productId(r)}.webp` },
  { kind: 'missing', weight: 1.5, method: get, path: () => '/favicon.ico' },
  { kind: 'page', weight: 0.5, method: get, path: () => '/robots.txt' },
  {
    kind: 'search',
    weight: 7,
    method: get,
    path: (r) => `/api/search?q=${searchQuery(r)}${r.chance(0.3) ? `&page=${r.int(2, 6)}` : ''}`,
  },
  {
    kind: 'api',
    weight: 6,
    method: (r) =>
      r.weighted([
        ['GET', 6],
        ['POST', 3],
        ['DELETE', 0.5],
        ['OPTIONS', 0.5],
      ]),
    path: () => '/api/cart',
  },
  { kind: 'api', weight: 5, method: get, path: (r) => `/api/products/${productId(r)}` },
  { kind: 'api', weight: 2, method: (r) => (r.chance(0.7) ? 'GET' : 'POST'), path: () => '/api/session' },
  {
    kind: 'legacy',
    weight: 0.6,
    method: (r) => (r.chance(0.5) ? 'POST' : 'GET'),
    path: (r) => `/api/legacy/orders?id=${r.int(100000, 999999)}`,
  },
  { kind: 'redirect', weight: 1, method: get, path: (r) => `/old/catalog?cat=${r.pick(CATEGORIES)}` },
  { kind: 'admin', weight: 0.3, method: get, path: (r) => r.pick(['/admin', '/admin/login']) },
  { kind: 'missing', weight: 0.6, method: get, path: (r) => `/downloads/specs-${productId(r)}.pdf` },
];

/** What vulnerability scanners ask for: all 404 on this server. */
export const SCANNER_PATHS = [
  '/wp-login.php',
  '/.env',
  '/.git/config',
  '/phpmyadmin/index.php',
  '/xmlrpc.php',
  '/cgi-bin/luci/;stok=/locale',
  '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php',
  '/actuator/env',
  '/server-status',
  '/boaform/admin/formLogin',
  '/.aws/credentials',
  '/config.json',
] as const;

export type ClientKind = 'browser' | 'mobile' | 'bot' | 'script' | 'monitor';

/** Real user-agent strings of the kinds a public site sees, by client kind. */
export const USER_AGENTS: Record<ClientKind, readonly string[]> = {
  browser: [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
    'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  ],
  mobile: [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36',
    'Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36',
    'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  ],
  bot: [
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
    'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)',
  ],
  script: ['curl/8.5.0', 'python-requests/2.32.3', 'Go-http-client/1.1', 'okhttp/4.12.0', 'axios/1.7.7'],
  monitor: ['Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)', 'kube-probe/1.31'],
};

export const SCANNER_USER_AGENTS = [
  'Mozilla/5.0 zgrab/0.x',
  'python-requests/2.31.0',
  'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)',
  // No User-Agent header at all: nginx logs "-".
  '',
] as const;

export const EXTERNAL_REFERERS = [
  'https://www.google.com/',
  'https://www.bing.com/',
  'https://duckduckgo.com/',
  'https://t.co/x7Qp2aLm',
  'https://www.reddit.com/r/deals/',
  'https://news.ycombinator.com/',
] as const;
