/** `accesslake compact`: its settings table (lib/settings) and help text. */
import { DEFAULT_LEASE_TTL_MS } from '../../compact/index.ts';
import { isDuration, parseDurationMs } from '../../lib/duration/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { defineSettings } from '../../lib/settings/index.ts';
import type { CommandSpec } from '../args.ts';
import { ATHENA_WORKGROUP, AWS_ENDPOINT, GLUE_DATABASE, LAKE_FOLDER_DEFAULT, REGION } from './shared.ts';

export const COMPACT_SETTINGS = defineSettings({
  lake: LAKE_FOLDER_DEFAULT,
  before: {
    value: 'ISO',
    help: 'compact hours that ended at or before this time',
    defaultNote: 'one hour ago',
    parse: parseBefore,
  },
  recheck: {
    value: 'D',
    default: '7d',
    help: 'how far below the watermark to look for late raw objects: whole hours (48h, 7d), or all',
    parse: parseRecheck,
  },
  'dry-run': { type: 'boolean', help: 'read and count, write nothing' },
  region: REGION,
  endpoint: { ...AWS_ENDPOINT, help: 'S3 lakes: one endpoint for S3 and Athena (moto, LocalStack)' },
  database: { ...GLUE_DATABASE, help: 'S3 lakes: the Glue database of the access_logs view' },
  workgroup: { ...ATHENA_WORKGROUP, help: 'S3 lakes: the workgroup the view is replaced in' },
  'no-view': { type: 'boolean', help: 'S3 lakes: leave the Athena view as it is' },
  'lease-seconds': {
    env: ['ACCESSLAKE_COMPACT_LEASE_SECONDS'],
    default: String(DEFAULT_LEASE_TTL_MS / 1000),
    value: 'S',
    help: "how long the lake's compaction lease lasts without renewal: a killed run blocks the next one this long",
    parse: parseLeaseSeconds,
  },
});

export const COMPACT_COMMAND: CommandSpec<typeof COMPACT_SETTINGS> = {
  name: 'compact',
  usage:
    'usage: accesslake compact [--lake DIR|s3://bucket/prefix] [--before ISO] [--recheck 7d|all] [--dry-run]',
  description: `Rewrites each closed event hour of the lake's raw JSON into one Parquet object under
access_logs_compacted/, then moves the watermark of the access_logs view past it (see
docs/architecture.md, "Compaction"). Raw objects are never changed. Idempotent: run it as often as
you like; an hour is rewritten only when new raw objects arrived for it.`,
  settings: COMPACT_SETTINGS,
  epilog: `Exit status: 0 done, 1 an hour was skipped or an error, 75 another compaction (CLI or Lambda) holds the
lake's lease: nothing was written.`,
};

/** Seconds > 0 → milliseconds. */
function parseLeaseSeconds(value: string, setting: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(seconds > 0))
    throw new ConfigError(`${setting}: ${JSON.stringify(value)} is not a number of seconds > 0`);
  return seconds * 1000;
}

function parseBefore(value: string, setting: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) || Number.isNaN(date.getTime())) {
    throw new ConfigError(
      `${setting}: ${JSON.stringify(value)} is not an ISO-8601 time (2025-01-10T14:00:00Z)`,
    );
  }
  // A time without a zone is UTC, like every time in the lake.
  return /T[\d:.]+$/.test(value) ? new Date(`${value}Z`) : date;
}

/** Hours, or 'all'. */
function parseRecheck(value: string, setting: string): number | 'all' {
  if (value === 'all') return 'all';
  const ms = isDuration(value) ? parseDurationMs(value, setting) : Number.NaN;
  if (!Number.isInteger(ms / 3_600_000) || ms === 0)
    throw new ConfigError(
      `${setting}: ${JSON.stringify(value)} is not a whole number of hours (48h, 7d) or all`,
    );
  return ms / 3_600_000;
}
