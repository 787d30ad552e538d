/**
 * AWS Lambda entry, on an EventBridge schedule (the CDK stack: hourly at minute 15): compacts the S3
 * lake's closed hours into Parquet and replaces the Athena view's watermark (docs/architecture.md,
 * "Compaction"). Two compactions of one lake never overlap: every run holds the lake's lease
 * (compact/lease.ts), which a CLI run honours too; a run that finds it held returns `{ busy }` and
 * writes nothing (the next schedule tries again). Reserved concurrency 1 keeps the Lambda from racing
 * itself on top of that.
 * Settings: ACCESSLAKE_LAKE (s3://bucket/prefix), ACCESSLAKE_GLUE_DATABASE, ACCESSLAKE_ATHENA_WORKGROUP,
 * ACCESSLAKE_COMPACT_MAX_HOURS (hours per invocation, default 24), AWS_REGION.
 */
import { DEFAULT_VIEW_NAMES, publishAthenaView } from '../compact/athena-view.ts';
import { CompactionBusyError } from '../compact/lease.ts';
import { compactLake } from '../compact/run.ts';
import { createStorage, parseStorageUrl } from '../ingest/storage/index.ts';
import { ConfigError } from '../lib/errors/index.ts';
import { loadGzipCodec } from '../lib/gzip/index.ts';
import { createAthenaEngine } from '../query/engines/athena.ts';

const lake = process.env.ACCESSLAKE_LAKE ?? '';
if (parseStorageUrl(lake).kind !== 's3')
  throw new ConfigError(`ACCESSLAKE_LAKE must be s3://bucket/prefix, got ${JSON.stringify(lake)}`);
const database = process.env.ACCESSLAKE_GLUE_DATABASE ?? 'accesslake';
const maxHours = Number(process.env.ACCESSLAKE_COMPACT_MAX_HOURS ?? 24);
if (!Number.isInteger(maxHours) || maxHours < 1)
  throw new ConfigError('ACCESSLAKE_COMPACT_MAX_HOURS must be a whole number ≥ 1');
const storage = await createStorage(lake, {
  s3: process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {},
});
const athena = createAthenaEngine({
  workgroup: process.env.ACCESSLAKE_ATHENA_WORKGROUP ?? 'accesslake',
  database,
  ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
});

export async function handler(event: { time?: string } = {}, context: { awsRequestId?: string } = {}) {
  let result: Awaited<ReturnType<typeof compactLake>>;
  try {
    result = await compactLake({
      storage,
      gzip: await loadGzipCodec(),
      ...(event.time ? { now: new Date(event.time) } : {}),
      maxHours,
      onHour: (e) => console.log(JSON.stringify(e)),
      lease: { owner: `compaction Lambda request ${context.awsRequestId ?? 'unknown'}` },
      publishWatermark: (w) => publishAthenaView(athena, { database, ...DEFAULT_VIEW_NAMES }, w),
    });
  } catch (error) {
    // Not a failure: a CLI run (or an overrunning invocation) is compacting; the next schedule catches up.
    if (!(error instanceof CompactionBusyError)) throw error;
    console.log(JSON.stringify({ busy: error.message }));
    return { busy: error.message, holder: error.holder };
  }
  return {
    watermark: result.watermark,
    compacted: result.compacted.map((e) => e.hour),
    skipped: result.skipped,
  };
}
