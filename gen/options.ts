/**
 * `accesslake gen` settings: flags → a validated, bounded {@link GenOptions}. Every run is bounded by a
 * duration (default 60 s) or a line count; rates and lengths have hard caps so a typo cannot fill a disk.
 */
import { ConfigError } from '../lib/errors/index.ts';
import { defineSettings, type FlagsOf, resolveSettings } from '../lib/settings/index.ts';
import { parseDurationMs, parseInteger } from '../lib/units/index.ts';

export interface GenOptions {
  /** File to append to, or `-` for stdout; undefined with `url`. */
  output: string | undefined;
  url: string | undefined;
  format: string;
  rate: number;
  durationMs: number;
  maxLines: number | undefined;
  seed: number;
  /** Backfill start, epoch ms; undefined = realtime. */
  start: number | undefined;
  host: string;
  concurrency: number;
}

export const GEN_LIMITS = {
  maxRate: 20_000,
  maxLines: 100_000_000,
  maxRealtimeMs: 24 * 3_600_000,
  maxBackfillMs: 31 * 24 * 3_600_000,
  defaultDurationMs: 60_000,
} as const;

/**
 * `accesslake gen`'s settings table (lib/settings): flag, default, parser and help line, from which the
 * CLI's parsing, `--help` and docs/configuration.md come. gen takes flags only.
 */
export const GEN_SETTINGS = defineSettings({
  output: {
    short: 'o',
    value: 'PATH',
    defaultNote: '`-` (stdout)',
    help: 'append log lines to PATH as nginx would ("-": stdout)',
  },
  url: {
    value: 'URL',
    help: 'send real HTTP requests to URL instead (e.g. the compose nginx)',
    parse: parseUrl,
  },
  format: {
    default: 'json',
    value: 'F',
    help: 'json (nginx/accesslake-json.conf), combined, main or a log_format string',
  },
  rate: {
    default: '10',
    value: 'R',
    help: `mean requests per second of normal traffic, 0.1 to ${GEN_LIMITS.maxRate}; bursts come on top`,
    parse: (raw, setting) => {
      const rate = Number(raw);
      if (!Number.isFinite(rate) || rate < 0.1 || rate > GEN_LIMITS.maxRate)
        throw new ConfigError(
          `${setting}: ${JSON.stringify(raw)} is not a number of requests per second from 0.1 to ${GEN_LIMITS.maxRate}`,
        );
      return rate;
    },
  },
  duration: {
    value: 'D',
    defaultNote: '`60s` (with `--count`: the cap)',
    help: 'stop after D, at most 24h (with --start, the span of simulated time, at most 31 days)',
    parse: (raw, setting) => parseDurationMs(raw, setting),
  },
  count: {
    value: 'N',
    help: 'stop after N requests',
    parse: (raw, setting) => parseInteger(raw, setting, 1, GEN_LIMITS.maxLines),
  },
  seed: {
    value: 'N',
    help: 'the same seed gives the same requests (printed at the end of every run)',
    parse: (raw, setting) => parseInteger(raw, setting, 0, 2 ** 32 - 1),
  },
  start: { value: 'T', help: 'backfill: timestamps from T (ISO-8601 or now-2h), written at once, not paced' },
  host: { default: 'shop.example.com', value: 'H', help: 'the Host of the generated requests' },
  concurrency: {
    default: '16',
    value: 'N',
    help: 'with --url: requests in flight at once, 1 to 256',
    parse: (raw, setting) => parseInteger(raw, setting, 1, 256),
  },
});

/**
 * Flags (as parseArgs gives them) → {@link GenOptions}, with the checks between settings.
 * @param now the current time, epoch ms: `--start now-2h` and the default seed count from it
 * @throws {ConfigError} a bad value, or settings that exclude each other
 */
export function resolveGenOptions(flags: FlagsOf<typeof GEN_SETTINGS>, now = Date.now()): GenOptions {
  if (flags.url !== undefined && flags.output !== undefined)
    throw new ConfigError(
      '--url and --output exclude each other: send requests to a server, or write a log file',
    );
  const v = resolveSettings(GEN_SETTINGS, flags, {}).values;
  const start = v.start === undefined ? undefined : parseStart(v.start, now);
  if (start !== undefined && v.url !== undefined)
    throw new ConfigError('--start backfills a log file with past timestamps; it cannot apply to --url');

  const cap = start === undefined ? GEN_LIMITS.maxRealtimeMs : GEN_LIMITS.maxBackfillMs;
  const durationMs = v.duration ?? (v.count === undefined ? GEN_LIMITS.defaultDurationMs : cap);
  if (durationMs <= 0 || durationMs > cap)
    throw new ConfigError(
      `--duration: ${JSON.stringify(flags.duration)} must be more than 0 and at most ${cap / 3_600_000} h`,
    );

  return {
    output: v.url === undefined ? (v.output ?? '-') : undefined,
    url: v.url,
    format: v.format,
    rate: v.rate,
    durationMs,
    maxLines: v.count,
    seed: v.seed ?? now % 2_147_483_647,
    start,
    host: v.host,
    concurrency: v.concurrency,
  };
}

function parseUrl(value: string, setting: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new ConfigError(`${setting}: ${JSON.stringify(value)} is not a URL (e.g. http://127.0.0.1:8081)`, {
      cause: error,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`${setting}: ${JSON.stringify(value)} must start with http:// or https://`);
  return url.href;
}

/** `2025-01-10T14:00:00Z` or `now-2h`. */
function parseStart(value: string, now: number): number {
  const relative = /^now-(.+)$/.exec(value.trim());
  if (relative) return now - parseDurationMs(relative[1]!, '--start');
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new ConfigError(
      `--start: ${JSON.stringify(value)} is not a time: use ISO-8601 (2025-01-10T14:00:00Z) or now-2h`,
    );
  return ms;
}
