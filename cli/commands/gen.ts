import { formatClasses, generate, resolveGenOptions } from '../../gen/index.ts';
import { parseFlags } from '../args.ts';
import type { CommandRunner } from '../main.ts';

const HELP = `usage: accesslake gen [--output PATH|- | --url URL] [--format json|combined|main|'<log_format>']
                      [--rate 10] [--duration 60s] [--count N] [--seed N] [--start ISO|now-2h]
                      [--host shop.example.com] [--concurrency 16]

Generates realistic nginx traffic: pages, assets and API calls with query strings, sessions, IPv4 and
IPv6 clients, crawlers and scripts, a long latency tail, and bursts of 404s (scanners), 429s (a search
storm over the rate limit) and 502/504s (an upstream outage).

  --output PATH   append log lines to PATH as nginx would (default: stdout, "-")
  --url URL       send real HTTP requests to URL instead (e.g. the compose nginx)
  --format F      json (nginx/accesslake-json.conf, default), combined, main or a log_format string
  --rate R        mean requests per second of normal traffic, bursts come on top (default 10)
  --duration D    stop after D (default 60s; with --start, the span of simulated time)
  --count N       stop after N requests
  --seed N        the same seed gives the same requests (printed at the end of every run)
  --start T       backfill: timestamps from T (ISO-8601 or now-2h), written at once, not paced

Every run is bounded: by --duration (default 60s, at most 24h; 31 days with --start) or --count.
Ctrl-C stops early and still prints the summary.`;

export const run: CommandRunner = async (argv) => {
  const { values } = parseFlags(argv, {
    output: { type: 'string', short: 'o' },
    url: { type: 'string' },
    format: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    count: { type: 'string' },
    seed: { type: 'string' },
    start: { type: 'string' },
    host: { type: 'string' },
    concurrency: { type: 'string' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const options = resolveGenOptions(values);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const { stats, target, elapsedMs } = await generate(options, controller.signal);
    const failed = stats.failed > 0 ? `, ${stats.failed} without an answer` : '';
    const verb =
      options.url === undefined
        ? `wrote ${stats.lines} lines (${options.format})`
        : `sent ${stats.lines + stats.failed} requests`;
    console.error(
      `accesslake gen: ${verb} to ${target} in ${(elapsedMs / 1000).toFixed(1)} s, seed ${options.seed}: ${formatClasses(stats)}${failed}`,
    );
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
};
