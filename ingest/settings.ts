/**
 * The ingest's settings table (lib/settings): each setting's flag, environment variable(s), default,
 * parser and help line, written once. `accesslake serve` parses its command line from it (and shows it
 * in `--help` and docs/configuration.md); the Lambda, Deno and Workers entries resolve the same rows from
 * the environment alone, through {@link resolveIngestConfig} (config.ts). Defaults come from the
 * constants the app itself uses (options.ts), ranges live in the parsers, and a bad value fails start-up
 * with a ConfigError naming the flag or variable it came from.
 */
import { GLUE_DEFAULTS } from '../lake-contract/index.ts';
import { formatByteSize, parseBytes } from '../lib/bytes/index.ts';
import { LAKE_FOLDER_DEFAULT } from '../lib/config/index.ts';
import { formatDurationMs, parseDurationMs } from '../lib/duration/index.ts';
import { ConfigError } from '../lib/errors/index.ts';
import { LOG_LEVELS } from '../lib/log/index.ts';
import { defineSettings, oneOf } from '../lib/settings/index.ts';
import { parseInteger } from '../lib/units/index.ts';
import {
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_HEADER_TIMEOUT_MS,
  DEFAULT_LIMITS,
  DEFAULT_MAX_CONCURRENT_BATCHES,
  DEFAULT_MAX_DECOMPRESSED_IN_FLIGHT,
} from './options.ts';

const integer = (min: number, max: number) => (raw: string, setting: string) =>
  parseInteger(raw, setting, min, max);

/** A timeout: long enough for a slow link, short enough that a stuck client frees its slot. */
const timeout = (raw: string, setting: string): number => {
  const ms = parseDurationMs(raw, setting);
  if (ms < 100 || ms > 3_600_000)
    throw new ConfigError(`${setting}: ${JSON.stringify(raw)} is not within 100ms–1h`);
  return ms;
};

export const INGEST_SETTINGS = defineSettings({
  host: {
    env: ['ACCESSLAKE_HOST'],
    default: '127.0.0.1',
    value: 'H',
    help: 'address to listen on (0.0.0.0 in a container)',
  },
  port: {
    env: ['ACCESSLAKE_PORT'],
    default: '8080',
    value: 'P',
    help: 'port to listen on',
    parse: integer(0, 65535),
  },
  lake: LAKE_FOLDER_DEFAULT,
  token: {
    multiple: true,
    env: ['ACCESSLAKE_TOKENS'],
    defaultNote: 'required',
    value: 'T',
    help: 'accepted bearer tokens, 8 characters or more each (e.g. openssl rand -hex 16)',
  },
  's3-endpoint': {
    env: ['ACCESSLAKE_S3_ENDPOINT'],
    defaultNote: 'AWS',
    value: 'URL',
    help: 'an S3-compatible endpoint (MinIO, moto); path-style addressing',
  },
  's3-region': {
    env: ['ACCESSLAKE_S3_REGION', 'AWS_REGION'],
    defaultNote: 'us-east-1',
    value: 'R',
    help: 'the S3 region',
  },
  'max-body-bytes': {
    env: ['ACCESSLAKE_MAX_BODY_BYTES'],
    default: formatByteSize(DEFAULT_LIMITS.maxBodyBytes),
    value: 'SIZE',
    help: 'cap on the request body as sent',
    parse: parseBytes,
  },
  'max-decompressed-bytes': {
    env: ['ACCESSLAKE_MAX_DECOMPRESSED_BYTES'],
    default: formatByteSize(DEFAULT_LIMITS.maxDecompressedBytes),
    value: 'SIZE',
    help: 'cap on one batch after gunzip',
    parse: parseBytes,
  },
  'max-lines': {
    env: ['ACCESSLAKE_MAX_LINES'],
    default: String(DEFAULT_LIMITS.maxLines),
    value: 'N',
    help: 'cap on the lines in one batch; a batch with more is refused whole with 413',
    parse: integer(1, 100_000_000),
  },
  'max-hours': {
    env: ['ACCESSLAKE_MAX_HOURS'],
    default: String(DEFAULT_LIMITS.maxHours),
    value: 'N',
    help: 'cap on the distinct event hours (lake objects) one batch writes; lines in further hours become rejects',
    parse: integer(1, 1_000_000),
  },
  'max-concurrent-batches': {
    env: ['ACCESSLAKE_MAX_CONCURRENT_BATCHES'],
    default: String(DEFAULT_MAX_CONCURRENT_BATCHES),
    value: 'N',
    help: 'batches handled at once; beyond this, 503 + Retry-After',
    parse: integer(1, 1024),
  },
  'max-decompressed-in-flight': {
    env: ['ACCESSLAKE_MAX_DECOMPRESSED_IN_FLIGHT'],
    default: formatByteSize(DEFAULT_MAX_DECOMPRESSED_IN_FLIGHT),
    value: 'SIZE',
    help: 'the memory budget: decompressed bytes held over all batches at once; a batch that does not fit gets 503 + Retry-After. At least --max-decompressed-bytes (start-up fails otherwise), so one batch at the cap is accepted alone',
    parse: parseBytes,
  },
  'body-timeout': {
    env: ['ACCESSLAKE_BODY_TIMEOUT'],
    default: formatDurationMs(DEFAULT_BODY_TIMEOUT_MS),
    value: 'D',
    help: "time from a request's arrival to the end of its body; later, 408 and the batch slot is freed",
    parse: timeout,
  },
  'header-timeout': {
    env: ['ACCESSLAKE_HEADER_TIMEOUT'],
    default: formatDurationMs(DEFAULT_HEADER_TIMEOUT_MS),
    value: 'D',
    help: 'accesslake serve only: time to receive the request headers; a socket that has not sent the whole request within header + body timeout is closed',
    parse: timeout,
  },
  'log-level': {
    env: ['ACCESSLAKE_LOG_LEVEL'],
    default: 'info',
    value: 'L',
    help: 'debug, info, warn or error; logs are JSON lines on stderr. debug adds the settings at start, every stored batch and every refused request',
    parse: oneOf(LOG_LEVELS),
  },
  'register-partitions': {
    env: ['ACCESSLAKE_REGISTER_PARTITIONS'],
    default: 'off',
    value: 'glue|off',
    help: 'glue: register each new hour partition in Glue right after writing it (S3 lakes only; see aws.md)',
    parse: oneOf(['glue', 'off']),
  },
  'glue-database': {
    env: ['ACCESSLAKE_GLUE_DATABASE'],
    default: GLUE_DEFAULTS.database,
    value: 'D',
    help: 'where partitions are registered',
  },
  'glue-table': {
    env: ['ACCESSLAKE_GLUE_TABLE'],
    default: GLUE_DEFAULTS.table,
    value: 'T',
    help: 'the raw JSON table partitions are added to',
  },
  'glue-crawler': {
    env: ['ACCESSLAKE_GLUE_CRAWLER'],
    default: GLUE_DEFAULTS.crawler,
    value: 'C',
    help: 'started (debounced) when the table does not exist yet',
  },
});
