/**
 * What `accesslake provision` makes, resolved once from flags and environment through its settings
 * table. The lake location is the same `s3://bucket/prefix` that `accesslake serve --lake` writes to.
 */
import {
  DEFAULT_BYTES_SCANNED_CUTOFF,
  DEFAULT_REPORTS_BYTES_SCANNED_CUTOFF,
  GLUE_DEFAULTS,
  MIN_BYTES_SCANNED_CUTOFF,
} from '../../lake-contract/index.ts';
import { formatBytes, parseBytes } from '../../lib/bytes/index.ts';
import { AWS_REGION_SETTING, LAKE_SETTING } from '../../lib/config/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { defineSettings, type FlagsOf, oneOf, resolveSettings } from '../../lib/settings/index.ts';
import { parseStorageUrl } from '../../storage/index.ts';
import type { LakeNames } from './lake-names.ts';
import { parseCrawlerSchedule } from './schedule.ts';

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

const name = (raw: string, setting: string) => {
  // Glue and Athena names: lower-case letters, digits, '_' and '-' (Glue lower-cases anything else).
  if (!/^[a-z0-9_-]{1,128}$/.test(raw)) {
    throw new ConfigError(
      `${setting}: ${JSON.stringify(raw)} must be 1–128 lower-case letters, digits, "_" or "-"`,
    );
  }
  return raw;
};
const cutoff = (raw: string, setting: string) => {
  const bytes = parseBytes(raw, setting);
  if (bytes < MIN_BYTES_SCANNED_CUTOFF) {
    throw new ConfigError(`${setting}: Athena's minimum is 10 MB (10000000 bytes), got ${bytes}`);
  }
  return bytes;
};

/**
 * What `provision` makes, as settings rows (lib/settings): flag, environment, default, parser and help
 * line. `accesslake provision` adds its action flags (cli/options/provision.ts); the deploy stack and
 * tests resolve these alone.
 */
export const PROVISION_SETTINGS = defineSettings({
  lake: { ...LAKE_SETTING, value: 's3://bucket/prefix', defaultNote: 'required', help: 'the lake in S3' },
  region: AWS_REGION_SETTING,
  endpoint: {
    env: ['ACCESSLAKE_AWS_ENDPOINT'],
    value: 'URL',
    help: 'one endpoint for S3, Glue and Athena (moto, LocalStack)',
  },
  table: {
    default: 'crawler',
    value: 'crawler|projection',
    help: 'how the raw table learns its partitions: a Glue crawler on a schedule, or partition projection',
    parse: oneOf(['crawler', 'projection']),
  },
  database: {
    env: ['ACCESSLAKE_GLUE_DATABASE'],
    default: GLUE_DEFAULTS.database,
    value: 'D',
    help: 'the Glue database',
    parse: name,
  },
  'crawler-name': {
    env: ['ACCESSLAKE_GLUE_CRAWLER'],
    default: GLUE_DEFAULTS.crawler,
    value: 'C',
    help: 'the crawler',
    parse: name,
  },
  'crawler-role': {
    env: ['ACCESSLAKE_CRAWLER_ROLE'],
    value: 'ARN',
    help: "the IAM role the crawler runs as; without it the crawler is skipped and the role's policy printed",
  },
  'crawler-schedule': {
    default: 'hourly',
    value: 'S',
    help: 'hourly (five past the hour), daily, an interval (15m, 2h; at least 5m, Glue\'s minimum) or "cron(…)"',
    parse: (raw, setting) => parseCrawlerSchedule(raw, setting),
  },
  workgroup: {
    env: ['ACCESSLAKE_ATHENA_WORKGROUP'],
    default: GLUE_DEFAULTS.workgroup,
    value: 'W',
    help: 'the Athena workgroup (engine v3, enforced settings, results in <prefix>/athena-results/)',
    parse: name,
  },
  'bytes-scanned-cutoff': {
    default: formatBytes(DEFAULT_BYTES_SCANNED_CUTOFF),
    value: 'SIZE',
    help: "the workgroup's per-query scan cutoff (at least 10 MB)",
    parse: cutoff,
  },
  'reports-workgroup': {
    env: ['ACCESSLAKE_REPORTS_WORKGROUP'],
    default: GLUE_DEFAULTS.reportsWorkgroup,
    value: 'W',
    help: 'the reports workgroup (results in <prefix>/athena-results/reports/)',
    parse: name,
  },
  'reports-bytes-scanned-cutoff': {
    default: formatBytes(DEFAULT_REPORTS_BYTES_SCANNED_CUTOFF),
    value: 'SIZE',
    help: "the reports workgroup's scan cutoff",
    parse: cutoff,
  },
  'create-bucket': { type: 'boolean', help: 'create the S3 bucket when it does not exist' },
});

/**
 * Resolves {@link PROVISION_SETTINGS} from flags (as parseArgs gives them) and the environment.
 * @throws {ConfigError} no lake, a lake that is not in S3, or a bad value (named as it was given)
 */
export function resolveProvisionOptions(
  flags: FlagsOf<typeof PROVISION_SETTINGS>,
  env: Record<string, string | undefined>,
): ProvisionOptions {
  const { values: v, sources } = resolveSettings(PROVISION_SETTINGS, flags, env);
  if (!v.lake) {
    throw new ConfigError(
      'provision needs the lake in S3: pass --lake s3://bucket/prefix (or set ACCESSLAKE_LAKE)',
    );
  }
  const location = parseStorageUrl(v.lake);
  if (location.kind !== 's3') {
    throw new ConfigError(
      `provision sets up Glue and Athena over S3, but ${sources.lake} ${JSON.stringify(v.lake)} is not s3://bucket/prefix; a local lake needs no provisioning (accesslake query uses DuckDB)`,
    );
  }
  return {
    bucket: location.bucket,
    prefix: location.prefix,
    region: v.region,
    endpoint: v.endpoint,
    database: v.database,
    table: GLUE_DEFAULTS.table,
    compactedTable: GLUE_DEFAULTS.compactedTable,
    view: GLUE_DEFAULTS.view,
    dataPrefix: GLUE_DEFAULTS.dataPrefix,
    compactedPrefix: GLUE_DEFAULTS.compactedPrefix,
    rejectsPrefix: GLUE_DEFAULTS.rejectsPrefix,
    resultsPrefix: GLUE_DEFAULTS.resultsPrefix,
    tableMode: v.table,
    crawlerName: v['crawler-name'],
    crawlerRole: v['crawler-role'],
    crawlerSchedule: v['crawler-schedule'],
    workgroup: v.workgroup,
    bytesScannedCutoff: v['bytes-scanned-cutoff'],
    reportsWorkgroup: v['reports-workgroup'],
    reportsBytesScannedCutoff: v['reports-bytes-scanned-cutoff'],
    createBucket: v['create-bucket'],
  };
}
