/**
 * `accesslake gen`: its settings table (lib/settings) and help text; gen/options.ts checks the values
 * and their bounds. gen takes flags only.
 */
import { defineSettings } from '../../lib/settings/index.ts';
import type { CommandSpec } from '../args.ts';

export const GEN_SETTINGS = defineSettings({
  output: {
    short: 'o',
    default: '-',
    value: 'PATH',
    help: 'append log lines to PATH as nginx would ("-": stdout)',
  },
  url: { value: 'URL', help: 'send real HTTP requests to URL instead (e.g. the compose nginx)' },
  format: {
    default: 'json',
    value: 'F',
    help: 'json (nginx/accesslake-json.conf), combined, main or a log_format string',
  },
  rate: {
    default: '10',
    value: 'R',
    help: 'mean requests per second of normal traffic, bursts come on top',
  },
  duration: {
    default: '60s',
    value: 'D',
    help: 'stop after D, at most 24h (with --start, the span of simulated time, at most 31 days)',
  },
  count: { value: 'N', help: 'stop after N requests' },
  seed: { value: 'N', help: 'the same seed gives the same requests (printed at the end of every run)' },
  start: { value: 'T', help: 'backfill: timestamps from T (ISO-8601 or now-2h), written at once, not paced' },
  host: { default: 'shop.example.com', value: 'H', help: 'the Host of the generated requests' },
  concurrency: { default: '16', value: 'N', help: 'with --url: requests in flight at once' },
});

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
