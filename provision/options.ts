/**
 * What `accesslake provision` makes, resolved once from flags and environment. The lake location is
 * the same `s3://bucket/prefix` that `accesslake serve --lake` writes to.
 */

import {
  DEFAULT_BYTES_SCANNED_CUTOFF,
  DEFAULT_REPORTS_BYTES_SCANNED_CUTOFF,
  GLUE_DEFAULTS,
  MIN_BYTES_SCANNED_CUTOFF,
} from '../glue/defaults.ts';
import { DEFAULT_CRAWLER_SCHEDULE, parseCrawlerSchedule } from '../glue/schedule.ts';
import { parseStorageUrl } from '../ingest/storage/index.ts';
import { pickLakeLocation } from '../lib/config/index.ts';
import { ConfigError } from '../lib/errors/index.ts';
import { parseBytes } from '../lib/units/index.ts';
import type { LakeNames } from './lake-names.ts';

export type TableMode = 'crawler' | 'projection';

/** What `provision` makes: the lake's names, and how the raw table, crawler and workgroups are set up. */
export interface ProvisionOptions extends LakeNames {
  endpoint: string | undefined;
  tableMode: TableMode;
  /** IAM role ARN (or name) the crawler runs as; without it the crawler is skipped and a policy printed. */
  crawlerRole: string | undefined;
  crawlerSchedule: string;
  bytesScannedCutoff: number;
  reportsBytesScannedCutoff: number;
  createBucket: boolean;
}

export interface ProvisionFlags {
  lake?: string | undefined;
  /** Deprecated alias of `lake`. */
  storage?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
  database?: string | undefined;
  table?: string | undefined;
  'crawler-name'?: string | undefined;
  'crawler-role'?: string | undefined;
  'crawler-schedule'?: string | undefined;
  workgroup?: string | undefined;
  'bytes-scanned-cutoff'?: string | undefined;
  'reports-workgroup'?: string | undefined;
  'reports-bytes-scanned-cutoff'?: string | undefined;
  'create-bucket'?: boolean | undefined;
}

export function resolveProvisionOptions(
  flags: ProvisionFlags,
  env: Record<string, string | undefined>,
): ProvisionOptions {
  const lake = pickLakeLocation(flags, env);
  const storage = lake.value;
  if (!storage) {
    throw new ConfigError(
      'provision needs the lake in S3: pass --lake s3://bucket/prefix (or set ACCESSLAKE_LAKE)',
    );
  }
  const location = parseStorageUrl(storage);
  if (location.kind !== 's3') {
    throw new ConfigError(
      `provision sets up Glue and Athena over S3, but ${lake.setting} ${JSON.stringify(storage)} is not s3://bucket/prefix; a local lake needs no provisioning (accesslake query uses DuckDB)`,
    );
  }
  const tableMode = flags.table ?? 'crawler';
  if (tableMode !== 'crawler' && tableMode !== 'projection') {
    throw new ConfigError(`--table: ${JSON.stringify(tableMode)} is not crawler or projection`);
  }
  const cutoffFlag = (flag: 'bytes-scanned-cutoff' | 'reports-bytes-scanned-cutoff', fallback: number) => {
    const raw = flags[flag];
    const cutoff = raw === undefined ? fallback : parseBytes(raw, `--${flag}`);
    if (cutoff < MIN_BYTES_SCANNED_CUTOFF) {
      throw new ConfigError(`--${flag}: Athena's minimum is 10 MB (10000000 bytes), got ${cutoff}`);
    }
    return cutoff;
  };
  const cutoff = cutoffFlag('bytes-scanned-cutoff', DEFAULT_BYTES_SCANNED_CUTOFF);
  const name = (value: string, flag: string) => {
    // Glue and Athena names: lower-case letters, digits, '_' and '-' (Glue lower-cases anything else).
    if (!/^[a-z0-9_-]{1,128}$/.test(value)) {
      throw new ConfigError(
        `${flag}: ${JSON.stringify(value)} must be 1–128 lower-case letters, digits, "_" or "-"`,
      );
    }
    return value;
  };
  return {
    bucket: location.bucket,
    prefix: location.prefix,
    region: flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoint: flags.endpoint ?? env.ACCESSLAKE_AWS_ENDPOINT,
    database: name(flags.database ?? env.ACCESSLAKE_GLUE_DATABASE ?? GLUE_DEFAULTS.database, '--database'),
    table: GLUE_DEFAULTS.table,
    compactedTable: GLUE_DEFAULTS.compactedTable,
    view: GLUE_DEFAULTS.view,
    dataPrefix: GLUE_DEFAULTS.dataPrefix,
    compactedPrefix: GLUE_DEFAULTS.compactedPrefix,
    rejectsPrefix: GLUE_DEFAULTS.rejectsPrefix,
    resultsPrefix: GLUE_DEFAULTS.resultsPrefix,
    tableMode,
    crawlerName: name(
      flags['crawler-name'] ?? env.ACCESSLAKE_GLUE_CRAWLER ?? GLUE_DEFAULTS.crawler,
      '--crawler-name',
    ),
    crawlerRole: flags['crawler-role'] ?? env.ACCESSLAKE_CRAWLER_ROLE,
    crawlerSchedule:
      flags['crawler-schedule'] === undefined
        ? DEFAULT_CRAWLER_SCHEDULE
        : parseCrawlerSchedule(flags['crawler-schedule']),
    workgroup: name(
      flags.workgroup ?? env.ACCESSLAKE_ATHENA_WORKGROUP ?? GLUE_DEFAULTS.workgroup,
      '--workgroup',
    ),
    bytesScannedCutoff: cutoff,
    reportsWorkgroup: name(
      flags['reports-workgroup'] ?? env.ACCESSLAKE_REPORTS_WORKGROUP ?? GLUE_DEFAULTS.reportsWorkgroup,
      '--reports-workgroup',
    ),
    reportsBytesScannedCutoff: cutoffFlag(
      'reports-bytes-scanned-cutoff',
      DEFAULT_REPORTS_BYTES_SCANNED_CUTOFF,
    ),
    createBucket: flags['create-bucket'] ?? false,
  };
}

export {
  compactedLocation,
  dataLocation,
  keyPrefix,
  REPORTS_RESULTS_FOLDER,
  reportsResultsLocation,
  resultsLocation,
  s3Root,
} from './lake-names.ts';
