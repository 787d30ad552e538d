/**
 * `accesslake serve`: its settings table (lib/settings) and help text. The values are resolved by
 * ingest/config.ts (`resolveIngestConfig`), which the Lambda, Deno and Workers entries share with the
 * environment alone; test/cli/options.test.ts holds this table's environment names and defaults to it.
 */
import { GLUE_DEFAULTS } from '../../lake-contract/index.ts';
import { LAKE_SETTING } from '../../lib/config/index.ts';
import { defineSettings } from '../../lib/settings/index.ts';
import { parseInteger } from '../../lib/units/index.ts';
import type { CommandSpec } from '../args.ts';

export const SERVE_SETTINGS = defineSettings({
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
    parse: (raw, setting) => parseInteger(raw, setting, 0, 65535),
  },
  lake: { ...LAKE_SETTING, default: './lake' },
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
    default: '16MiB',
    value: 'SIZE',
    help: 'cap on the request body as sent',
  },
  'max-decompressed-bytes': {
    env: ['ACCESSLAKE_MAX_DECOMPRESSED_BYTES'],
    default: '128MiB',
    value: 'SIZE',
    help: 'cap on one batch after gunzip',
  },
  'max-lines': {
    env: ['ACCESSLAKE_MAX_LINES'],
    default: '1000000',
    value: 'N',
    help: 'cap on the lines in one batch; a batch with more is refused whole with 413',
  },
  'max-hours': {
    env: ['ACCESSLAKE_MAX_HOURS'],
    default: '744',
    value: 'N',
    help: 'cap on the distinct event hours (lake objects) one batch writes; lines in further hours become rejects',
  },
  'max-concurrent-batches': {
    env: ['ACCESSLAKE_MAX_CONCURRENT_BATCHES'],
    default: '8',
    value: 'N',
    help: 'batches handled at once; beyond this, 503 + Retry-After',
  },
  'max-decompressed-in-flight': {
    env: ['ACCESSLAKE_MAX_DECOMPRESSED_IN_FLIGHT'],
    default: '256MiB',
    value: 'SIZE',
    help: 'the memory budget: decompressed bytes held over all batches at once; a batch that does not fit gets 503 + Retry-After. At least --max-decompressed-bytes (start-up fails otherwise), so one batch at the cap is accepted alone',
  },
  'body-timeout': {
    env: ['ACCESSLAKE_BODY_TIMEOUT'],
    default: '30s',
    value: 'D',
    help: "time from a request's arrival to the end of its body; later, 408 and the batch slot is freed",
  },
  'header-timeout': {
    env: ['ACCESSLAKE_HEADER_TIMEOUT'],
    default: '10s',
    value: 'D',
    help: 'accesslake serve only: time to receive the request headers; a socket that has not sent the whole request within header + body timeout is closed',
  },
  'log-level': {
    env: ['ACCESSLAKE_LOG_LEVEL'],
    default: 'info',
    value: 'L',
    help: 'debug, info, warn or error; logs are JSON lines on stderr. debug adds the settings at start, every stored batch and every refused request',
  },
  'register-partitions': {
    env: ['ACCESSLAKE_REGISTER_PARTITIONS'],
    default: 'off',
    value: 'glue|off',
    help: 'glue: register each new hour partition in Glue right after writing it (S3 lakes only; see aws.md)',
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

export const SERVE_COMMAND: CommandSpec<typeof SERVE_SETTINGS> = {
  name: 'serve',
  usage: 'usage: accesslake serve [--lake ./lake | s3://bucket/prefix] [--token T]… [options]',
  description: 'Runs the ingest server. Sizes take KiB/MiB/GiB (or k/m/g), durations ms, s, m, h or d.',
  settings: SERVE_SETTINGS,
};
