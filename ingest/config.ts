/**
 * Ingest configuration from flags and environment, read once at an entry point (CLI `serve`, Lambda,
 * Deno, Workers) and turned into {@link IngestOptions}. Every setting is a row of
 * {@link INGEST_SETTINGS} (settings.ts): the same names work everywhere; docs/configuration.md lists
 * them with their defaults.
 */

import { ConfigError } from '../lib/errors/index.ts';
import type { LogLevel } from '../lib/log/index.ts';
import { type FlagsOf, resolveSettings } from '../lib/settings/index.ts';
import { parseStorageUrl } from '../storage/index.ts';
import { INGEST_SETTINGS } from './settings.ts';

export type Env = Record<string, string | undefined>;

export interface IngestConfig {
  storage: string;
  tokens: string[];
  s3Endpoint: string | undefined;
  s3Region: string | undefined;
  maxBodyBytes: number;
  maxDecompressedBytes: number;
  /** Lines in one batch; a batch with more is refused whole (413). */
  maxLines: number;
  /** Distinct event hours one batch may write; lines in further hours are rejects with the reason. */
  maxHours: number;
  maxConcurrentBatches: number;
  /** The memory budget: decompressed bytes over all batches in flight. */
  maxDecompressedInFlight: number;
  bodyTimeoutMs: number;
  /** Node server only (`accesslake serve`): time to receive the request headers. */
  headerTimeoutMs: number;
  logLevel: LogLevel;
  /** Add fresh hour partitions to the Glue catalog after each batch (docs/aws.md). */
  registerPartitions: 'glue' | 'off';
  glueDatabase: string;
  glueTable: string;
  glueCrawler: string;
  /** Deprecated settings used (`--storage`, `ACCESSLAKE_STORAGE`): log them at start. */
  notes: string[];
}

/** Flags as parsed from the command line (`--storage` included); each wins over its variable. */
export type IngestFlags = FlagsOf<typeof INGEST_SETTINGS>;

// The listening address is the server's (`accesslake serve`, Deno), not the app's: a Lambda or a Worker
// has none, so a stray ACCESSLAKE_PORT must not stop it.
const { host: _host, port: _port, ...APP_SETTINGS } = INGEST_SETTINGS;

/**
 * @throws {ConfigError} no token, a token under 8 characters, a bad value (naming the flag or variable
 *   it came from), a memory budget below the per-batch cap, or Glue registration for a local lake
 */
export function resolveIngestConfig(flags: IngestFlags, env: Env): IngestConfig {
  const { values: v, sources, deprecations } = resolveSettings(APP_SETTINGS, flags, env);
  const tokens = v.token;
  if (tokens.length === 0) {
    throw new ConfigError(
      'no ingest token: pass --token T (repeatable) or set ACCESSLAKE_TOKENS to comma-separated tokens of 8 characters or more, e.g. ACCESSLAKE_TOKENS=$(openssl rand -hex 16)',
    );
  }
  const short = tokens.findIndex((t) => t.length < 8);
  if (short >= 0)
    throw new ConfigError(
      `${sources.token}: every ingest token must be at least 8 characters long (token ${short + 1} has ${tokens[short]!.length}); make one with: openssl rand -hex 16`,
    );

  const storage = v.lake;
  parseStorageUrl(storage); // fail at start-up, not on the first batch
  if (v['register-partitions'] === 'glue' && parseStorageUrl(storage).kind !== 's3')
    throw new ConfigError(
      '--register-partitions glue needs the lake in S3 (--lake s3://bucket/prefix); a local lake needs no catalog',
    );

  const maxDecompressedBytes = v['max-decompressed-bytes'];
  // Unset, the budget grows to a larger per-batch cap, so one batch at the cap always fits.
  const maxDecompressedInFlight =
    sources['max-decompressed-in-flight'] === undefined
      ? Math.max(v['max-decompressed-in-flight'], maxDecompressedBytes)
      : v['max-decompressed-in-flight'];
  if (maxDecompressedInFlight < maxDecompressedBytes) {
    throw new ConfigError(
      `--max-decompressed-in-flight (${maxDecompressedInFlight} bytes) is below --max-decompressed-bytes ` +
        `(${maxDecompressedBytes}): one batch at the cap could never be accepted; raise it or lower the cap`,
    );
  }

  return {
    storage,
    tokens,
    s3Endpoint: v['s3-endpoint'],
    s3Region: v['s3-region'],
    maxBodyBytes: v['max-body-bytes'],
    maxDecompressedBytes,
    maxDecompressedInFlight,
    maxLines: v['max-lines'],
    maxHours: v['max-hours'],
    bodyTimeoutMs: v['body-timeout'],
    headerTimeoutMs: v['header-timeout'],
    maxConcurrentBatches: v['max-concurrent-batches'],
    logLevel: v['log-level'],
    registerPartitions: v['register-partitions'],
    glueDatabase: v['glue-database'],
    glueTable: v['glue-table'],
    glueCrawler: v['glue-crawler'],
    notes: deprecations,
  };
}
