/** The agent's options, their documented defaults, and their validation (once, at start). */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { resolveLineParser } from '../formats/index.ts';
import type { FormatCandidate } from '../ingest/index.ts';
import { formatBytes } from '../lib/bytes/index.ts';
import { formatDurationMs } from '../lib/duration/index.ts';
import { ConfigError, describeError } from '../lib/errors/index.ts';
import type { GzipCodec } from '../lib/gzip/index.ts';
import { type Logger, silentLogger } from '../lib/log/index.ts';
import type { HttpTransport } from './delivery/http-transport.ts';
import type { FileSpec } from './finding/discovery.ts';
import { AUTO_FORMAT } from './reading/format-choice.ts';
import type { WatcherFactory } from './wake/watcher.ts';

export interface AgentOptions {
  /**
   * Paths or globs of nginx access logs; an object gives a file its own format (what `--nginx-conf`
   * produces when access_log directives use different log_formats).
   */
  files: Array<string | { path: string; format?: string; formatReason?: string }>;
  /** ingest's base URL, e.g. `http://127.0.0.1:8080`. */
  endpoint: string;
  /** Bearer token ingest accepts. */
  token: string;
  /** Where `agent-state.json` lives. */
  stateDir: string;
  /**
   * `auto` (default: each file's format is detected from its first lines, see format-choice.ts),
   * `json`, `combined`, `main`, `s3`, `alb` or an nginx `log_format` string: sent as `X-Log-Format` for
   * files without a format of their own.
   */
  format?: string;
  /** log_formats (from nginx.conf) that `auto` tries before the built-in formats. */
  formatCandidates?: FormatCandidate[];
  /** `X-Source` label. Default: the host name. */
  source?: string;
  /** A batch closes at this many bytes of log. Default 8 MiB: few, large objects suit S3 and Athena. */
  batchBytes?: number;
  /** ...or at this many lines. Default: no line limit. */
  batchLines?: number;
  /** ...or when its oldest line has waited this long. Default 30 s; down to 1 s for a live feel. */
  batchAgeMs?: number;
  /** Longer lines are cut here and counted. Default 64 KiB (at most half of `batchBytes`). */
  maxLineBytes?: number;
  /** gzip level on the wire, 1–9. Default 1: the wire copy is transient and level 1 is ~3× faster. */
  gzipLevel?: number;
  /** The stat poll behind inotify. Default 1 s. */
  pollIntervalMs?: number;
  /** A rotated file is let go after it was shipped and stayed unchanged this long. Default 5 s. */
  rotatedGraceMs?: number;
  /** At shutdown, how long a partial last line may take to get its newline. Default 1 s. */
  partialLineWaitMs?: number;
  /** At shutdown, how long to finish sending; after it, unsent lines wait for the next start. Default 10 s. */
  shutdownTimeoutMs?: number;
  /** One HTTP request's limit. Default 60 s. */
  requestTimeoutMs?: number;
  /** Retry backoff: first delay and cap. Defaults 500 ms and 30 s. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Where to start in a file the state does not know, at first start. Default `beginning`. */
  readFrom?: 'beginning' | 'end';
  logger?: Logger;
  /** For tests and embedding. Default: node:http(s) with keep-alive; `fetch` fits. */
  transport?: HttpTransport;
  /** For tests and embedding: how folders are watched. Default: inotify through `fs.watch`. */
  watch?: WatcherFactory;
  /** Default: `loadGzipCodec()`. */
  gzip?: GzipCodec;
}

export const AGENT_DEFAULTS = {
  format: AUTO_FORMAT,
  formatCandidates: [] as FormatCandidate[],
  batchBytes: 8 * 1024 * 1024,
  batchLines: Number.POSITIVE_INFINITY,
  batchAgeMs: 30_000,
  maxLineBytes: 64 * 1024,
  gzipLevel: 1,
  pollIntervalMs: 1000,
  rotatedGraceMs: 5000,
  partialLineWaitMs: 1000,
  shutdownTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  retryBaseMs: 500,
  retryMaxMs: 30_000,
  readFrom: 'beginning' as 'beginning' | 'end',
};

export type ResolvedAgentOptions = Required<Omit<AgentOptions, 'transport' | 'gzip' | 'watch' | 'files'>> &
  Pick<AgentOptions, 'transport' | 'gzip' | 'watch'> & {
    files: FileSpec[];
    /** Why each configured format is used, by spec (for the log and `agent status`). */
    formatReasons: Map<string, string>;
  };

const SOURCE_PATTERN = /^[\x21-\x7e]{1,128}$/;
const MAX_BATCH_BYTES = 128 * 1024 * 1024;

/** Bounds of a numeric option, quoted in the unit a person typed: a duration or a byte size. */
export interface OptionRange {
  min: number;
  max: number;
  unit?: 'duration' | 'bytes';
}

/**
 * The numeric options' bounds, checked for every caller ({@link resolveAgentOptions}) and, naming the
 * flag or variable a value came from, by the settings table (settings.ts).
 */
export const AGENT_RANGES = {
  batchBytes: { min: 1024, max: MAX_BATCH_BYTES, unit: 'bytes' },
  batchLines: { min: 1, max: 10_000_000 },
  batchAgeMs: { min: 100, max: 3_600_000, unit: 'duration' },
  maxLineBytes: { min: 64, max: MAX_BATCH_BYTES, unit: 'bytes' },
  gzipLevel: { min: 1, max: 9 },
  pollIntervalMs: { min: 10, max: 600_000, unit: 'duration' },
} as const satisfies Record<string, OptionRange>;

/** Fills in defaults and checks every value; throws a {@link ConfigError} naming the setting. */
export function resolveAgentOptions(options: AgentOptions): ResolvedAgentOptions {
  const o = { ...AGENT_DEFAULTS, logger: silentLogger, source: safeHostname(), ...defined(options) };
  if (o.files.length === 0)
    throw new ConfigError(
      'no log file: pass --file PATH (repeatable, globs allowed) or set ACCESSLAKE_AGENT_FILES',
    );
  let url: URL;
  try {
    url = new URL(o.endpoint);
  } catch {
    throw new ConfigError(
      `--endpoint: ${JSON.stringify(o.endpoint)} is not a URL (e.g. http://127.0.0.1:8080)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`--endpoint: ${o.endpoint} must be an http:// or https:// URL`);
  if (!o.token) throw new ConfigError('no token: pass --token T, --token-file PATH or set ACCESSLAKE_TOKEN');
  if (/[\r\n]/.test(o.token))
    throw new ConfigError('the token contains a line break: check --token-file / ACCESSLAKE_TOKEN');
  if (!SOURCE_PATTERN.test(o.source))
    throw new ConfigError(
      `--source: ${JSON.stringify(o.source)} must be 1–128 printable ASCII characters without spaces`,
    );
  checkFormat(o.format, '--format');
  const formatReasons = new Map<string, string>();
  if (o.format !== AUTO_FORMAT) formatReasons.set(o.format, 'set by --format (or ACCESSLAKE_FORMAT)');
  const files = o.files.map((f): FileSpec => {
    const spec =
      typeof f === 'string' ? { path: f, format: o.format } : { path: f.path, format: f.format ?? o.format };
    if (!spec.path) throw new ConfigError('--file: an empty path');
    if (spec.format !== o.format) checkFormat(spec.format, `the format of ${spec.path}`);
    if (typeof f !== 'string' && f.formatReason) formatReasons.set(spec.format, f.formatReason);
    return spec;
  });
  checkRange('--batch-bytes', o.batchBytes, AGENT_RANGES.batchBytes);
  if (o.batchLines !== Number.POSITIVE_INFINITY)
    checkRange('--batch-lines', o.batchLines, AGENT_RANGES.batchLines);
  checkRange('--batch-age', o.batchAgeMs, AGENT_RANGES.batchAgeMs);
  // Small batches (tests, a live feel) bring the default line cap down with them.
  if (options.maxLineBytes === undefined)
    o.maxLineBytes = Math.min(o.maxLineBytes, Math.floor(o.batchBytes / 2));
  checkRange('--max-line-bytes', o.maxLineBytes, AGENT_RANGES.maxLineBytes);
  if (o.maxLineBytes >= o.batchBytes)
    throw new ConfigError(
      `--max-line-bytes (${o.maxLineBytes}) must be smaller than --batch-bytes (${o.batchBytes})`,
    );
  checkRange('--gzip-level', o.gzipLevel, AGENT_RANGES.gzipLevel);
  checkRange('--poll-interval', o.pollIntervalMs, AGENT_RANGES.pollIntervalMs);
  if (o.readFrom !== 'beginning' && o.readFrom !== 'end')
    throw new ConfigError(`--read-from: ${JSON.stringify(o.readFrom)} is not beginning or end`);
  return {
    ...o,
    files,
    formatReasons,
    endpoint: o.endpoint.replace(/\/+$/, ''),
    stateDir: resolve(o.stateDir),
  };
}

/** A format ingest can parse, that fits in an HTTP header (or `auto`). */
function checkFormat(format: string, setting: string): void {
  if (format === AUTO_FORMAT) return;
  if (!/^[\x20-\x7e]+$/.test(format))
    throw new ConfigError(
      `${setting}: must be printable ASCII on one line (it travels in the X-Log-Format header)`,
    );
  try {
    resolveLineParser(format);
  } catch (error) {
    throw new ConfigError(`${setting}: ${describeError(error)}`, { cause: error });
  }
}

/**
 * Throws a ConfigError naming `setting` when `value` is outside `range`. Bounds are quoted in the unit
 * the user typed: a duration or a byte size, not raw milliseconds or bytes.
 */
export function checkRange(setting: string, value: number, range: OptionRange): void {
  const show = range.unit === 'duration' ? formatDurationMs : range.unit === 'bytes' ? formatBytes : String;
  if (!Number.isFinite(value) || value < range.min || value > range.max)
    throw new ConfigError(`${setting}: ${show(value)} is outside ${show(range.min)}–${show(range.max)}`);
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function safeHostname(): string {
  const name = hostname()
    .replace(/[^\x21-\x7e]/g, '')
    .slice(0, 128);
  return name || 'unknown-host';
}
