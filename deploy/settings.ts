/**
 * Deployment settings, read once from CDK context (`-c name=value` or cdk.json) with documented
 * defaults. Names are GLUE_DEFAULTS (lake-contract/defaults.ts, docs/aws.md): database `accesslake`, tables `access_logs_raw` (JSON) and
 * `access_logs_compacted` (Parquet) under the view `access_logs`, prefixes `access_logs/`,
 * `access_logs_compacted/`, `compaction/`, `rejects/`, `athena-results/`.
 *
 * | context | default | meaning |
 * |---|---|---|
 * | `catalog` | `crawler` | `crawler`: a Glue crawler on a schedule builds the table; `projection`: the table is defined here with partition projection (no crawler, no lag) |
 * | `bucketName` | generated | the lake bucket's name |
 * | `crawlerSchedule` | `hourly` (`cron(5 * * * ? *)`) | as `provision --crawler-schedule`: `hourly`, `daily`, `15m`, `2h` or a Glue `cron(…)`, at least 5 minutes apart |
 * | `bytesScannedCutoff` | 10 GiB | Athena per-query cost guard (minimum 10 MB) |
 * | `rejectsExpireDays` | 30 | lifecycle expiry of `rejects/` |
 * | `resultsExpireDays` | 7 | lifecycle expiry of `athena-results/` |
 * | `lambdaMemoryMb` | 1024 | ingest Lambda memory (CPU scales with it) |
 * | `lambdaCode` | `dist/lambda/ingest.zip` | the zip `npm run build:lambda` writes |
 * | `reportsBytesScannedCutoff` | 100 GiB | the reports workgroup's per-query cost guard |
 * | `reportPeriod` | `weekly` | what the scheduled report covers: `weekly`, `monthly`, `quarterly` |
 * | `reportSchedule` | `cron(0 6 ? * MON *)` | EventBridge schedule of the report Lambda (UTC) |
 * | `reportCode` | `dist/lambda/report.zip` | the report zip `npm run build:lambda` writes |
 * | `compactLambdaCode` | `dist/lambda/compact.zip` | the compaction Lambda's zip, written by the same build |
 * | `compactSchedule` | `cron(20 * * * ? *)` | EventBridge schedule of the compaction Lambda, hourly at :20 |
 */
import { join } from 'node:path';
import {
  DEFAULT_BYTES_SCANNED_CUTOFF,
  DEFAULT_REPORTS_BYTES_SCANNED_CUTOFF,
  GLUE_DEFAULTS,
  MIN_BYTES_SCANNED_CUTOFF,
} from '../lake-contract/index.ts';
import { ConfigError } from '../lib/errors/index.ts';
import { isBucketName } from '../lib/s3/index.ts';
import { parseCrawlerSchedule } from '../provision/contract/index.ts';
import { REPO_ROOT } from './build-lambda.ts';

export type CatalogMode = 'crawler' | 'projection';

export interface DeploySettings {
  catalog: CatalogMode;
  bucketName: string | undefined;
  crawlerSchedule: string;
  bytesScannedCutoff: number;
  rejectsExpireDays: number;
  resultsExpireDays: number;
  lambdaMemoryMb: number;
  lambdaCode: string;
  reportsBytesScannedCutoff: number;
  reportPeriod: 'weekly' | 'monthly' | 'quarterly';
  reportSchedule: string;
  reportCode: string;
  compactLambdaCode: string;
  compactSchedule: string;
  names: typeof GLUE_DEFAULTS;
}

const REPORT_PERIODS = ['weekly', 'monthly', 'quarterly'] as const;

export type ContextReader = (key: string) => unknown;

export function readDeploySettings(context: ContextReader): DeploySettings {
  const text = (key: string): string | undefined => {
    const value = context(key);
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const raw = text(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(
        `context ${key}=${JSON.stringify(raw)}: expected a whole number from ${min} to ${max}`,
      );
    }
    return n;
  };

  const catalog = text('catalog') ?? 'crawler';
  if (catalog !== 'crawler' && catalog !== 'projection') {
    throw new ConfigError(`context catalog=${JSON.stringify(catalog)}: use "crawler" or "projection"`);
  }
  // The same default and the same check as `accesslake provision --crawler-schedule`, Glue's 5-minute
  // minimum included.
  const crawlerSchedule = parseCrawlerSchedule(
    text('crawlerSchedule') ?? 'hourly',
    'context crawlerSchedule',
  );
  const bucketName = text('bucketName');
  if (bucketName !== undefined && !isBucketName(bucketName)) {
    throw new ConfigError(`context bucketName=${JSON.stringify(bucketName)} is not a valid S3 bucket name`);
  }
  const reportPeriod = text('reportPeriod') ?? 'weekly';
  if (!(REPORT_PERIODS as readonly string[]).includes(reportPeriod)) {
    throw new ConfigError(
      `context reportPeriod=${JSON.stringify(reportPeriod)}: use ${REPORT_PERIODS.join(', ')}`,
    );
  }
  const reportSchedule = text('reportSchedule') ?? 'cron(0 6 ? * MON *)';
  if (!/^(cron|rate)\(.+\)$/.test(reportSchedule)) {
    throw new ConfigError(
      `context reportSchedule=${JSON.stringify(reportSchedule)}: expected an EventBridge cron(...) or rate(...) expression`,
    );
  }
  return {
    catalog,
    bucketName,
    crawlerSchedule,
    bytesScannedCutoff: int(
      'bytesScannedCutoff',
      DEFAULT_BYTES_SCANNED_CUTOFF,
      MIN_BYTES_SCANNED_CUTOFF,
      2 ** 52,
    ),
    rejectsExpireDays: int('rejectsExpireDays', 30, 1, 3650),
    resultsExpireDays: int('resultsExpireDays', 7, 1, 3650),
    lambdaMemoryMb: int('lambdaMemoryMb', 1024, 256, 10240),
    lambdaCode: text('lambdaCode') ?? join(REPO_ROOT, 'dist', 'lambda', 'ingest.zip'),
    reportsBytesScannedCutoff: int(
      'reportsBytesScannedCutoff',
      DEFAULT_REPORTS_BYTES_SCANNED_CUTOFF,
      MIN_BYTES_SCANNED_CUTOFF,
      2 ** 52,
    ),
    reportPeriod: reportPeriod as DeploySettings['reportPeriod'],
    reportSchedule,
    reportCode: text('reportCode') ?? join(REPO_ROOT, 'dist', 'lambda', 'report.zip'),
    compactLambdaCode: text('compactLambdaCode') ?? join(REPO_ROOT, 'dist', 'lambda', 'compact.zip'),
    compactSchedule: text('compactSchedule') ?? 'cron(20 * * * ? *)',
    names: GLUE_DEFAULTS,
  };
}
