/**
 * The report's settings table (lib/settings): each setting's flag, environment variable, default, parser
 * and help line, written once. `accesslake report` parses its command line from it (and shows it in
 * `--help` and docs/configuration.md); {@link resolveReportConfig} (config.ts) resolves it, for the CLI
 * and for the report Lambda with the environment alone. A bad value names the flag or variable it came
 * from.
 */
import { GLUE_DEFAULTS } from '../lake-contract/index.ts';
import { AWS_REGION_SETTING, LAKE_FOLDER_DEFAULT } from '../lib/config/index.ts';
import { parseDurationMs } from '../lib/duration/index.ts';
import { ConfigError } from '../lib/errors/index.ts';
import { defineSettings, oneOf } from '../lib/settings/index.ts';
import { parseInteger } from '../lib/units/index.ts';
import { MAX_LINK_SECONDS } from './output/links.ts';
import { resolveTimeZone } from './period/zoned-time.ts';

/** `7d`, `72h`, `3600` (seconds) → seconds: at most 7 days, the longest a SigV4 presigned URL lives. */
function parseLinkExpiry(raw: string, setting: string): number {
  const seconds = Math.round(parseDurationMs(raw, setting) / 1000);
  if (seconds < 1 || seconds > MAX_LINK_SECONDS) {
    throw new ConfigError(
      `${setting}: ${JSON.stringify(raw)} must be from 1 s to 7d (S3 presigned URLs live at most 7 days)`,
    );
  }
  return seconds;
}

export const REPORT_SETTINGS = defineSettings({
  period: {
    env: ['REPORT_PERIOD'],
    value: 'P',
    help: 'weekly: the previous full Monday–Sunday; monthly: the previous full month; quarterly: the previous full calendar quarter',
  },
  from: { value: 'YYYY-MM-DD', help: 'a custom range of whole days, both inclusive; not with --period' },
  to: { value: 'YYYY-MM-DD', help: 'the last day of the custom range' },
  tz: {
    env: ['REPORT_TZ'],
    default: 'UTC',
    value: 'ZONE',
    help: 'IANA zone the days are counted in, e.g. Europe/Berlin',
    parse: (raw, setting) => resolveTimeZone(raw, setting),
  },
  'as-of': { value: 'YYYY-MM-DD', help: 'count the previous period back from this day instead of today' },
  engine: {
    default: 'duckdb',
    value: 'E',
    help: 'duckdb (the local lake) or athena',
    parse: oneOf(['duckdb', 'athena']),
  },
  lake: {
    ...LAKE_FOLDER_DEFAULT,
    help: 'DuckDB: the lake folder; Athena: the s3:// lake, the default --out',
  },
  out: {
    env: ['REPORT_OUT'],
    defaultNote: 'the lake (with Athena: when it is s3://)',
    value: 'DIR|s3://bucket/prefix',
    help: 'where reports go, under <out>/reports/',
  },
  staging: { env: ['REPORT_STAGING'], value: 'S3', help: 'no longer used (refused with a note)' },
  top: {
    env: ['REPORT_TOP'],
    default: '10',
    value: 'N',
    help: 'rows per ranked section, 1–1000',
    parse: (raw, setting) => parseInteger(raw, setting, 1, 1000),
  },
  email: {
    type: 'boolean',
    env: ['REPORT_EMAIL'],
    defaultNote: 'off',
    help: 'mail the summary with links; needs SMTP_HOST, REPORT_FROM, REPORT_TO',
  },
  'link-expires': {
    env: ['REPORT_LINK_EXPIRES'],
    default: '7d',
    value: 'D',
    help: 'lifetime of presigned S3 links: 7d, 72h, 3600 (seconds); at most 7d (SigV4)',
    parse: parseLinkExpiry,
  },
  workgroup: {
    env: ['ACCESSLAKE_ATHENA_WORKGROUP'],
    default: GLUE_DEFAULTS.reportsWorkgroup,
    value: 'W',
    help: 'Athena: the workgroup (the reports workgroup provision makes)',
  },
  database: {
    env: ['ACCESSLAKE_GLUE_DATABASE'],
    default: GLUE_DEFAULTS.database,
    value: 'D',
    help: 'Athena: the Glue database',
  },
  region: AWS_REGION_SETTING,
  endpoint: { env: ['ACCESSLAKE_ATHENA_ENDPOINT'], value: 'URL', help: 'Athena: an endpoint (moto)' },
  's3-endpoint': { env: ['ACCESSLAKE_S3_ENDPOINT'], value: 'URL', help: 'an S3-compatible endpoint' },
  's3-region': {
    env: ['ACCESSLAKE_S3_REGION'],
    defaultNote: '--region',
    value: 'R',
    help: 'the region of the S3 output, for its presigned links',
  },
});
