/**
 * `accesslake gen` settings: flags → a validated, bounded {@link GenOptions}. Every run is bounded by a
 * duration (default 60 s) or a line count; rates and lengths have hard caps so a typo cannot fill a disk.
 */
import { ConfigError } from '../lib/errors/index.ts';
import { parseDurationMs, parseInteger } from '../lib/units/index.ts';

export interface GenFlags {
  output?: string | undefined;
  url?: string | undefined;
  format?: string | undefined;
  rate?: string | undefined;
  duration?: string | undefined;
  count?: string | undefined;
  seed?: string | undefined;
  start?: string | undefined;
  host?: string | undefined;
  concurrency?: string | undefined;
}

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

export function resolveGenOptions(flags: GenFlags, now = Date.now()): GenOptions {
  if (flags.url !== undefined && flags.output !== undefined)
    throw new ConfigError(
      '--url and --output exclude each other: send requests to a server, or write a log file',
    );
  const url = flags.url === undefined ? undefined : parseUrl(flags.url);

  const rate = Number(flags.rate ?? '10');
  if (!Number.isFinite(rate) || rate < 0.1 || rate > GEN_LIMITS.maxRate)
    throw new ConfigError(
      `--rate: ${JSON.stringify(flags.rate)} is not a number of requests per second from 0.1 to ${GEN_LIMITS.maxRate}`,
    );

  const start = flags.start === undefined ? undefined : parseStart(flags.start, now);
  if (start !== undefined && url !== undefined)
    throw new ConfigError('--start backfills a log file with past timestamps; it cannot apply to --url');

  const maxLines =
    flags.count === undefined ? undefined : parseInteger(flags.count, '--count', 1, GEN_LIMITS.maxLines);
  const cap = start === undefined ? GEN_LIMITS.maxRealtimeMs : GEN_LIMITS.maxBackfillMs;
  let durationMs =
    flags.duration === undefined
      ? maxLines === undefined
        ? GEN_LIMITS.defaultDurationMs
        : cap
      : parseDurationMs(flags.duration, '--duration');
  if (durationMs <= 0 || durationMs > cap)
    throw new ConfigError(
      `--duration: ${JSON.stringify(flags.duration)} must be more than 0 and at most ${cap / 3_600_000} h`,
    );
  durationMs = Math.min(durationMs, cap);

  return {
    output: url === undefined ? (flags.output ?? '-') : undefined,
    url,
    format: flags.format ?? 'json',
    rate,
    durationMs,
    maxLines,
    seed: flags.seed === undefined ? now % 2_147_483_647 : parseInteger(flags.seed, '--seed', 0, 2 ** 32 - 1),
    start,
    host: flags.host ?? 'shop.example.com',
    concurrency: parseInteger(flags.concurrency ?? '16', '--concurrency', 1, 256),
  };
}

function parseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new ConfigError(`--url: ${JSON.stringify(value)} is not a URL (e.g. http://127.0.0.1:8081)`, {
      cause: error,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`--url: ${JSON.stringify(value)} must start with http:// or https://`);
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
