import { hostname } from 'node:os';
import {
  CompactionBusyError,
  type CompactResult,
  compactLake,
  DEFAULT_LEASE_TTL_MS,
  DEFAULT_VIEW_NAMES,
  type HourEvent,
  publishAthenaView,
} from '../../compact/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { loadGzipCodec } from '../../lib/gzip/index.ts';
import { createAthenaEngine, formatBytes } from '../../query/index.ts';
import { createStorage, parseStorageUrl } from '../../storage/index.ts';
import { parseFlags } from '../args.ts';
import type { CommandRunner } from '../main.ts';

const HELP = `usage: accesslake compact [--lake DIR|s3://bucket/prefix] [--before ISO] [--recheck 7d|all] [--dry-run]

Rewrites each closed event hour of the lake's raw JSON into one Parquet object under
access_logs_compacted/, then moves the watermark of the access_logs view past it (see
docs/architecture.md, "Compaction"). Raw objects are never changed. Idempotent: run it as often as
you like; an hour is rewritten only when new raw objects arrived for it.
  --lake       the lake (env ACCESSLAKE_LAKE, default ./lake)
  --before     compact hours that ended at or before this time (default: one hour ago)
  --recheck    how far below the watermark to look for late raw objects: 7d (default), 48h, or all
  --dry-run    read and count, write nothing
  --lease-seconds  how long the lake's compaction lease lasts without renewal (env
               ACCESSLAKE_COMPACT_LEASE_SECONDS, default 120): a killed run blocks the next one this long
Exit status: 0 done, 1 an hour was skipped or an error, 75 another compaction (CLI or Lambda) holds the
lake's lease: nothing was written.
S3 lakes: --region (env AWS_REGION), --endpoint URL (one endpoint for S3 and Athena: moto, LocalStack),
  then the Athena view is replaced: --database (env ACCESSLAKE_GLUE_DATABASE, default accesslake),
  --workgroup (env ACCESSLAKE_ATHENA_WORKGROUP, default accesslake), or --no-view to leave it.`;

export const run: CommandRunner = async (argv, env) => {
  const { values } = parseFlags(argv, {
    lake: { type: 'string' },
    storage: { type: 'string' },
    before: { type: 'string' },
    recheck: { type: 'string' },
    'dry-run': { type: 'boolean' },
    region: { type: 'string' },
    endpoint: { type: 'string' },
    database: { type: 'string' },
    workgroup: { type: 'string' },
    'no-view': { type: 'boolean' },
    'lease-seconds': { type: 'string' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const lake = values.lake ?? values.storage ?? env.ACCESSLAKE_LAKE ?? env.ACCESSLAKE_STORAGE ?? './lake';
  const location = parseStorageUrl(lake);
  const before = values.before === undefined ? undefined : parseBefore(values.before);
  const recheckHours = parseRecheck(values.recheck);
  const dryRun = values['dry-run'] ?? false;
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const storage = await createStorage(lake, {
    s3: { region, ...(values.endpoint ? { endpoint: values.endpoint } : {}) },
  });

  const athena =
    location.kind === 's3' && !values['no-view']
      ? createAthenaEngine({
          workgroup: values.workgroup ?? env.ACCESSLAKE_ATHENA_WORKGROUP ?? 'accesslake',
          database: values.database ?? env.ACCESSLAKE_GLUE_DATABASE ?? 'accesslake',
          region,
          ...(values.endpoint ? { endpoint: values.endpoint } : {}),
        })
      : undefined;
  const database = values.database ?? env.ACCESSLAKE_GLUE_DATABASE ?? 'accesslake';
  const leaseTtlMs = parseLeaseSeconds(values['lease-seconds'] ?? env.ACCESSLAKE_COMPACT_LEASE_SECONDS);
  console.log(`accesslake compact: ${storage.url}${dryRun ? ' (dry run: nothing is written)' : ''}`);
  try {
    const result = await compactLake({
      storage,
      gzip: await loadGzipCodec(),
      ...(before ? { before } : {}),
      recheckHours,
      dryRun,
      onHour: (event) => console.log(formatHour(event, dryRun)),
      lease: { owner: `accesslake compact pid ${process.pid} on ${hostname()}`, ttlMs: leaseTtlMs },
      ...(athena
        ? {
            publishWatermark: (w) => publishAthenaView(athena, { database, ...DEFAULT_VIEW_NAMES }, w),
          }
        : {}),
    });
    console.log(formatTotals(result));
    return result.skipped.some((s) => !s.reason.startsWith('waits for')) ? 1 : 0;
  } catch (error) {
    if (!(error instanceof CompactionBusyError)) throw error;
    console.error(`accesslake compact: ${error.message}`);
    // EX_TEMPFAIL (sysexits.h): nothing is wrong, try again later; schedulers can tell it from a failure.
    return EXIT_BUSY;
  } finally {
    await athena?.close();
  }
};

/** The exit status when another compaction holds the lease. */
export const EXIT_BUSY = 75;

function parseLeaseSeconds(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LEASE_TTL_MS;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(seconds > 0))
    throw new ConfigError(
      `--lease-seconds / ACCESSLAKE_COMPACT_LEASE_SECONDS: ${JSON.stringify(value)} is not a number of seconds > 0`,
    );
  return seconds * 1000;
}

function formatHour(event: HourEvent, dryRun: boolean): string {
  if (event.action === 'skipped') return `  - ${event.hour} skipped: ${event.reason}`;
  const verb = dryRun ? `would be ${event.action}` : event.action;
  return `  + ${event.hour} ${verb}: ${event.objects} objects, ${event.rows} rows, ${formatBytes(event.bytesIn)} → ${formatBytes(event.bytesOut)} (${event.ms} ms)`;
}

function formatTotals(r: CompactResult): string {
  const objects = r.compacted.reduce((n, e) => n + e.objects, 0);
  const rows = r.compacted.reduce((n, e) => n + e.rows, 0);
  const bytesIn = r.compacted.reduce((n, e) => n + e.bytesIn, 0);
  const bytesOut = r.compacted.reduce((n, e) => n + e.bytesOut, 0);
  const moved =
    r.watermark === r.watermarkBefore
      ? `watermark stays at ${r.watermark ?? 'none (nothing compacted yet)'}`
      : `watermark ${r.watermarkBefore ?? 'none'} → ${r.watermark}${r.dryRun ? ' (not written)' : ''}`;
  return `accesslake compact: ${r.compacted.length} hours ${r.dryRun ? 'to compact' : 'compacted'} (${objects} objects in, ${rows} rows, ${formatBytes(bytesIn)} → ${formatBytes(bytesOut)}); ${r.upToDate} up to date, ${r.empty} empty, ${r.skipped.length} skipped; ${moved}`;
}

function parseBefore(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) || Number.isNaN(date.getTime())) {
    throw new ConfigError(
      `--before: ${JSON.stringify(value)} is not an ISO-8601 time (2025-01-10T14:00:00Z)`,
    );
  }
  // A time without a zone is UTC, like every time in the lake.
  return /T[\d:.]+$/.test(value) ? new Date(`${value}Z`) : date;
}

function parseRecheck(value: string | undefined): number | 'all' {
  if (value === undefined) return 168;
  if (value === 'all') return 'all';
  const m = /^(\d+)\s*(h|d)$/.exec(value.trim());
  if (!m)
    throw new ConfigError(
      `--recheck: ${JSON.stringify(value)} is not a duration in hours or days (48h, 7d) or all`,
    );
  return Number(m[1]) * (m[2] === 'd' ? 24 : 1);
}
