/**
 * Ingest configuration from flags and environment, read once at an entry point (CLI `serve`, Lambda,
 * Deno, Workers) and turned into {@link IngestOptions}. The same names work everywhere:
 *
 * | flag | env | default |
 * |---|---|---|
 * | `--lake` (old name `--storage`) | `ACCESSLAKE_LAKE` (old name `ACCESSLAKE_STORAGE`) | `./lake` |
 * | `--token` (repeatable) | `ACCESSLAKE_TOKENS` (comma-separated) | required |
 * | `--s3-endpoint` | `ACCESSLAKE_S3_ENDPOINT` | AWS |
 * | `--s3-region` | `ACCESSLAKE_S3_REGION`, `AWS_REGION` | `us-east-1` |
 * | `--max-body-bytes` | `ACCESSLAKE_MAX_BODY_BYTES` | 16MiB |
 * | `--max-decompressed-bytes` | `ACCESSLAKE_MAX_DECOMPRESSED_BYTES` | 128MiB |
 * | `--max-lines` | `ACCESSLAKE_MAX_LINES` | 1000000 (lines in one batch; more: 413) |
 * | `--max-concurrent-batches` | `ACCESSLAKE_MAX_CONCURRENT_BATCHES` | 8 |
 * | `--max-decompressed-in-flight` | `ACCESSLAKE_MAX_DECOMPRESSED_IN_FLIGHT` | 256MiB (≥ `--max-decompressed-bytes`) |
 * | `--body-timeout` | `ACCESSLAKE_BODY_TIMEOUT` | 30s |
 * | `--header-timeout` (Node server) | `ACCESSLAKE_HEADER_TIMEOUT` | 10s |
 * | `--log-level` | `ACCESSLAKE_LOG_LEVEL` | `info` |
 * | `--register-partitions` | `ACCESSLAKE_REGISTER_PARTITIONS` | `off` (`glue`: S3 storage only) |
 * | `--glue-database`, `--glue-table`, `--glue-crawler` | `ACCESSLAKE_GLUE_DATABASE`, `…_TABLE`, `…_CRAWLER` | `accesslake`, `access_logs`, `accesslake-access-logs` |
 */

import { GLUE_DEFAULTS } from '../lake-contract/index.ts';
import { pickLakeLocation } from '../lib/config/index.ts';
import { ConfigError } from '../lib/errors/index.ts';
import { splitList } from '../lib/list/index.ts';
import { isLogLevel, type LogLevel } from '../lib/log/index.ts';
import { parseBytes, parseDurationMs, parseInteger } from '../lib/units/index.ts';
import { parseStorageUrl } from '../storage/index.ts';
import {
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_HEADER_TIMEOUT_MS,
  DEFAULT_LIMITS,
  DEFAULT_MAX_CONCURRENT_BATCHES,
  DEFAULT_MAX_DECOMPRESSED_IN_FLIGHT,
} from './options.ts';

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

/** Flags as parsed from the command line; each wins over its environment variable. */
export interface IngestFlags {
  lake?: string | undefined;
  /** Deprecated alias of `lake`. */
  storage?: string | undefined;
  token?: string[] | undefined;
  's3-endpoint'?: string | undefined;
  's3-region'?: string | undefined;
  'max-body-bytes'?: string | undefined;
  'max-decompressed-bytes'?: string | undefined;
  'max-lines'?: string | undefined;
  'max-hours'?: string | undefined;
  'max-concurrent-batches'?: string | undefined;
  'max-decompressed-in-flight'?: string | undefined;
  'body-timeout'?: string | undefined;
  'header-timeout'?: string | undefined;
  'log-level'?: string | undefined;
  'register-partitions'?: string | undefined;
  'glue-database'?: string | undefined;
  'glue-table'?: string | undefined;
  'glue-crawler'?: string | undefined;
}

export function resolveIngestConfig(flags: IngestFlags, env: Env): IngestConfig {
  const tokens = flags.token?.length ? flags.token : splitList(env.ACCESSLAKE_TOKENS);
  if (tokens.length === 0) {
    throw new ConfigError(
      'no ingest token: pass --token T (repeatable) or set ACCESSLAKE_TOKENS to comma-separated tokens of 8 characters or more, e.g. ACCESSLAKE_TOKENS=$(openssl rand -hex 16)',
    );
  }
  const short = tokens.findIndex((t) => t.length < 8);
  if (short >= 0)
    throw new ConfigError(
      `${flags.token?.length ? '--token' : 'ACCESSLAKE_TOKENS'}: every ingest token must be at least 8 characters long (token ${short + 1} has ${tokens[short]!.length}); make one with: openssl rand -hex 16`,
    );

  const lake = pickLakeLocation(flags, env);
  const storage = lake.value ?? './lake';
  parseStorageUrl(storage); // fail at start-up, not on the first batch

  const logLevel = flags['log-level'] ?? env.ACCESSLAKE_LOG_LEVEL ?? 'info';
  if (!isLogLevel(logLevel))
    throw new ConfigError(
      `${flags['log-level'] !== undefined ? '--log-level' : 'ACCESSLAKE_LOG_LEVEL'}: ${JSON.stringify(logLevel)} is not debug, info, warn or error`,
    );

  const registerPartitions = flags['register-partitions'] ?? env.ACCESSLAKE_REGISTER_PARTITIONS ?? 'off';
  if (registerPartitions !== 'glue' && registerPartitions !== 'off')
    throw new ConfigError(
      `${flags['register-partitions'] !== undefined ? '--register-partitions' : 'ACCESSLAKE_REGISTER_PARTITIONS'}: ${JSON.stringify(registerPartitions)} is not glue or off`,
    );
  if (registerPartitions === 'glue' && parseStorageUrl(storage).kind !== 's3')
    throw new ConfigError(
      '--register-partitions glue needs the lake in S3 (--lake s3://bucket/prefix); a local lake needs no catalog',
    );

  // Errors name where a value came from: the flag or its environment variable.
  const setting = (flag: keyof IngestFlags, variable: string) =>
    flags[flag] !== undefined ? `--${flag}` : variable;
  const bytes = (value: string | undefined, name: string, fallback: number) =>
    value === undefined ? fallback : parseBytes(value, name);
  const duration = (value: string | undefined, name: string, fallback: number) => {
    const ms = value === undefined ? fallback : parseDurationMs(value, name);
    if (ms < 100 || ms > 3_600_000)
      throw new ConfigError(`${name}: ${JSON.stringify(value)} is not within 100ms–1h`);
    return ms;
  };
  const maxDecompressedBytes = bytes(
    flags['max-decompressed-bytes'] ?? env.ACCESSLAKE_MAX_DECOMPRESSED_BYTES,
    setting('max-decompressed-bytes', 'ACCESSLAKE_MAX_DECOMPRESSED_BYTES'),
    DEFAULT_LIMITS.maxDecompressedBytes,
  );
  const maxDecompressedInFlight = bytes(
    flags['max-decompressed-in-flight'] ?? env.ACCESSLAKE_MAX_DECOMPRESSED_IN_FLIGHT,
    setting('max-decompressed-in-flight', 'ACCESSLAKE_MAX_DECOMPRESSED_IN_FLIGHT'),
    Math.max(DEFAULT_MAX_DECOMPRESSED_IN_FLIGHT, maxDecompressedBytes),
  );
  if (maxDecompressedInFlight < maxDecompressedBytes) {
    throw new ConfigError(
      `--max-decompressed-in-flight (${maxDecompressedInFlight} bytes) is below --max-decompressed-bytes ` +
        `(${maxDecompressedBytes}): one batch at the cap could never be accepted; raise it or lower the cap`,
    );
  }

  return {
    storage,
    tokens,
    s3Endpoint: flags['s3-endpoint'] ?? env.ACCESSLAKE_S3_ENDPOINT,
    s3Region: flags['s3-region'] ?? env.ACCESSLAKE_S3_REGION ?? env.AWS_REGION,
    maxBodyBytes: bytes(
      flags['max-body-bytes'] ?? env.ACCESSLAKE_MAX_BODY_BYTES,
      setting('max-body-bytes', 'ACCESSLAKE_MAX_BODY_BYTES'),
      DEFAULT_LIMITS.maxBodyBytes,
    ),
    maxDecompressedBytes,
    maxDecompressedInFlight,
    maxLines: parseInteger(
      flags['max-lines'] ?? env.ACCESSLAKE_MAX_LINES ?? String(DEFAULT_LIMITS.maxLines),
      setting('max-lines', 'ACCESSLAKE_MAX_LINES'),
      1,
      100_000_000,
    ),
    maxHours: parseInteger(
      flags['max-hours'] ?? env.ACCESSLAKE_MAX_HOURS ?? String(DEFAULT_LIMITS.maxHours),
      setting('max-hours', 'ACCESSLAKE_MAX_HOURS'),
      1,
      1_000_000,
    ),
    bodyTimeoutMs: duration(
      flags['body-timeout'] ?? env.ACCESSLAKE_BODY_TIMEOUT,
      setting('body-timeout', 'ACCESSLAKE_BODY_TIMEOUT'),
      DEFAULT_BODY_TIMEOUT_MS,
    ),
    headerTimeoutMs: duration(
      flags['header-timeout'] ?? env.ACCESSLAKE_HEADER_TIMEOUT,
      setting('header-timeout', 'ACCESSLAKE_HEADER_TIMEOUT'),
      DEFAULT_HEADER_TIMEOUT_MS,
    ),
    maxConcurrentBatches: parseInteger(
      flags['max-concurrent-batches'] ??
        env.ACCESSLAKE_MAX_CONCURRENT_BATCHES ??
        String(DEFAULT_MAX_CONCURRENT_BATCHES),
      setting('max-concurrent-batches', 'ACCESSLAKE_MAX_CONCURRENT_BATCHES'),
      1,
      1024,
    ),
    logLevel,
    registerPartitions,
    glueDatabase: flags['glue-database'] ?? env.ACCESSLAKE_GLUE_DATABASE ?? GLUE_DEFAULTS.database,
    glueTable: flags['glue-table'] ?? env.ACCESSLAKE_GLUE_TABLE ?? GLUE_DEFAULTS.table,
    glueCrawler: flags['glue-crawler'] ?? env.ACCESSLAKE_GLUE_CRAWLER ?? GLUE_DEFAULTS.crawler,
    notes: lake.deprecations,
  };
}
