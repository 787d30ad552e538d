import { hostname } from 'node:os';
import {
  CompactionBusyError,
  type CompactResult,
  compactLake,
  DEFAULT_VIEW_NAMES,
  type HourEvent,
  publishAthenaView,
} from '../../compact/index.ts';
import { formatBytes } from '../../lib/bytes/index.ts';
import { loadGzipCodec } from '../../lib/gzip/index.ts';
import { createAthenaEngine } from '../../query/index.ts';
import { createStorage, parseStorageUrl } from '../../storage/index.ts';
import { type CommandRunner, readCommand } from '../args.ts';
import { COMPACT_COMMAND } from '../options/compact.ts';

/** The exit status when another compaction holds the lease. */
export const EXIT_BUSY = 75;

export const run: CommandRunner = async (argv, env) => {
  const read = readCommand(COMPACT_COMMAND, argv, env);
  if (!read) return 0;
  const { lake, before, recheck: recheckHours, 'dry-run': dryRun, region, endpoint, database } = read.values;
  const location = parseStorageUrl(lake);
  const storage = await createStorage(lake, {
    s3: { region, ...(endpoint ? { endpoint } : {}) },
  });

  const athena =
    location.kind === 's3' && !read.values['no-view']
      ? createAthenaEngine({
          workgroup: read.values.workgroup,
          database,
          region,
          ...(endpoint ? { endpoint } : {}),
        })
      : undefined;
  console.log(`accesslake compact: ${storage.url}${dryRun ? ' (dry run: nothing is written)' : ''}`);
  try {
    const result = await compactLake({
      storage,
      gzip: await loadGzipCodec(),
      ...(before ? { before } : {}),
      recheckHours,
      dryRun,
      onHour: (event) => console.log(formatHour(event, dryRun)),
      lease: {
        owner: `accesslake compact pid ${process.pid} on ${hostname()}`,
        ttlMs: read.values['lease-seconds'],
      },
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
