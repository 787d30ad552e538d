/**
 * AWS Lambda entry, on an EventBridge schedule (the CDK stack: hourly at minute 20): compacts the S3
 * lake's closed hours into Parquet and replaces the Athena view's watermark (docs/architecture.md,
 * "Compaction"; compact/lambda-handler.ts). Runs never overlap with each other or with a CLI run: each
 * holds the lake's compaction lease (compact/lease.ts); reserved concurrency 1 on top.
 * Settings: ACCESSLAKE_LAKE (s3://bucket/prefix), ACCESSLAKE_GLUE_DATABASE, ACCESSLAKE_ATHENA_WORKGROUP,
 * ACCESSLAKE_COMPACT_MAX_HOURS (hours per invocation, default 24), AWS_REGION.
 */
import { createCompactHandler } from '../compact/index.ts';
import { ConfigError } from '../lib/errors/index.ts';
import { loadGzipCodec } from '../lib/gzip/index.ts';
import { createAthenaEngine } from '../query/index.ts';
import { createStorage, parseStorageUrl } from '../storage/index.ts';

const lake = process.env.ACCESSLAKE_LAKE ?? '';
if (parseStorageUrl(lake).kind !== 's3')
  throw new ConfigError(`ACCESSLAKE_LAKE must be s3://bucket/prefix, got ${JSON.stringify(lake)}`);
const database = process.env.ACCESSLAKE_GLUE_DATABASE ?? 'accesslake';
const maxHours = Number(process.env.ACCESSLAKE_COMPACT_MAX_HOURS ?? 24);
if (!Number.isInteger(maxHours) || maxHours < 1)
  throw new ConfigError('ACCESSLAKE_COMPACT_MAX_HOURS must be a whole number ≥ 1');
const region = process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {};

export const handler = createCompactHandler({
  storage: await createStorage(lake, { s3: region }),
  gzip: await loadGzipCodec(),
  athena: createAthenaEngine({
    workgroup: process.env.ACCESSLAKE_ATHENA_WORKGROUP ?? 'accesslake',
    database,
    ...region,
  }),
  database,
  maxHours,
});
