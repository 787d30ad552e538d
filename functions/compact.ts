/**
 * AWS Lambda entry, on an EventBridge schedule (the CDK stack: hourly at minute 20): compacts the S3
 * lake's closed hours into Parquet and replaces the Athena view's watermark (docs/architecture.md,
 * "Compaction"; compact/lambda-handler.ts). Runs never overlap with each other or with a CLI run: each
 * holds the lake's compaction lease (compact/lease.ts); reserved concurrency 1 on top.
 * Settings: compact/settings.ts (ACCESSLAKE_LAKE, an s3://bucket/prefix; ACCESSLAKE_GLUE_DATABASE,
 * ACCESSLAKE_ATHENA_WORKGROUP, ACCESSLAKE_COMPACT_MAX_HOURS, AWS_REGION), read once per container.
 */
import { createCompactHandler, resolveCompactLambdaSettings } from '../compact/index.ts';
import { loadGzipCodec } from '../lib/gzip/index.ts';
import { createAthenaEngine } from '../query/index.ts';
import { createStorage } from '../storage/index.ts';

const settings = resolveCompactLambdaSettings(process.env);
const { lake, database, region } = settings;

export const handler = createCompactHandler({
  storage: await createStorage(lake, { s3: { region } }),
  gzip: await loadGzipCodec(),
  athena: createAthenaEngine({ workgroup: settings.workgroup, database, region }),
  database,
  maxHours: settings['max-hours'],
});
