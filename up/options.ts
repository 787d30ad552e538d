/** `accesslake up` settings: flags → validated {@link UpOptions}, with the defaults the README shows. */
import { resolve } from 'node:path';
import { ConfigError } from '../lib/errors/index.ts';
import { parseDurationMs, parseInteger } from '../lib/units/index.ts';

export interface UpFlags {
  port?: string | undefined;
  lake?: string | undefined;
  rate?: string | undefined;
  file?: string | undefined;
  format?: string | undefined;
  duration?: string | undefined;
  interval?: string | undefined;
  seed?: string | undefined;
  'batch-age'?: string | undefined;
  'compact-every'?: string | undefined;
  'dashboard-port'?: string | undefined;
}

export interface UpOptions {
  port: number;
  /** Absolute lake folder. */
  lake: string;
  /** As the user wrote it, for messages (`./lake`). */
  lakeLabel: string;
  rate: number;
  /** A real access log to tail instead of generated traffic (absolute). */
  file: string | undefined;
  /** As the user wrote it, for messages. */
  fileLabel: string | undefined;
  format: string;
  /** Stop after this long; undefined = until Ctrl-C. */
  durationMs: number | undefined;
  intervalMs: number;
  seed: number | undefined;
  batchAgeMs: number;
  /** Compact the lake's closed hours at start and then this often; 0 = never. */
  compactEveryMs: number;
  /** The dashboard's port on 127.0.0.1; undefined with `--dashboard-port off`. */
  dashboardPort: number | undefined;
}

export const UP_DEFAULTS = {
  port: 8080,
  lake: './lake',
  rate: 20,
  intervalMs: 5000,
  batchAgeMs: 1000,
  compactEveryMs: 300_000,
  dashboardPort: 8090,
} as const;

export function resolveUpOptions(flags: UpFlags, cwd = process.cwd()): UpOptions {
  const lakeLabel = flags.lake ?? UP_DEFAULTS.lake;
  const rate = Number(flags.rate ?? UP_DEFAULTS.rate);
  if (!Number.isFinite(rate) || rate < 0.1 || rate > 5000)
    throw new ConfigError(
      `--rate: ${JSON.stringify(flags.rate)} is not a number of requests per second from 0.1 to 5000`,
    );
  if (flags.file !== undefined && (flags.rate !== undefined || flags.seed !== undefined))
    throw new ConfigError(
      '--rate and --seed shape generated traffic; with --file the log is tailed as it is',
    );
  const batchAgeMs = parseDurationMs(flags['batch-age'] ?? '1s', '--batch-age');
  if (batchAgeMs < 1000 || batchAgeMs > 30_000) throw new ConfigError('--batch-age: use 1s to 30s');
  const intervalMs = parseDurationMs(flags.interval ?? '5s', '--interval');
  if (intervalMs < 500) throw new ConfigError('--interval: use at least 500ms');
  return {
    port: parseInteger(flags.port ?? String(UP_DEFAULTS.port), '--port', 1, 65535),
    lake: resolve(cwd, lakeLabel),
    lakeLabel,
    rate,
    file: flags.file === undefined ? undefined : resolve(cwd, flags.file),
    fileLabel: flags.file,
    format: flags.format ?? 'json',
    durationMs: flags.duration === undefined ? undefined : parseDurationMs(flags.duration, '--duration'),
    intervalMs,
    seed: flags.seed === undefined ? undefined : parseInteger(flags.seed, '--seed', 0, 2 ** 32 - 1),
    batchAgeMs,
    compactEveryMs:
      flags['compact-every'] === undefined || flags['compact-every'] === '0'
        ? flags['compact-every'] === '0'
          ? 0
          : UP_DEFAULTS.compactEveryMs
        : parseDurationMs(flags['compact-every'], '--compact-every'),
    dashboardPort:
      flags['dashboard-port'] === 'off'
        ? undefined
        : parseInteger(
            flags['dashboard-port'] ?? String(UP_DEFAULTS.dashboardPort),
            '--dashboard-port',
            1,
            65535,
          ),
  };
}
