/** `accesslake gen`: its help text around the settings table in gen/options.ts. */
import { GEN_SETTINGS } from '../../gen/index.ts';
import type { CommandSpec } from '../args.ts';

export const GEN_COMMAND: CommandSpec<typeof GEN_SETTINGS> = {
  name: 'gen',
  usage: `usage: accesslake gen [--output PATH|- | --url URL] [--format json|combined|main|'<log_format>']
                      [--rate 10] [--duration 60s] [--count N] [--seed N] [--start ISO|now-2h]
                      [--host shop.example.com] [--concurrency 16]`,
  description: `Generates realistic nginx traffic: pages, assets and API calls with query strings, sessions, IPv4 and
IPv6 clients, crawlers and scripts, a long latency tail, and bursts of 404s (scanners), 429s (a search
storm over the rate limit) and 502/504s (an upstream outage).`,
  settings: GEN_SETTINGS,
  epilog: `Every run is bounded: by --duration (default 60s, at most 24h; 31 days with --start) or --count.
Ctrl-C stops early and still prints the summary.`,
};
