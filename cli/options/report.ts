/**
 * `accesslake report`: its settings table (lib/settings) and help text. The values are resolved by
 * reports/config.ts (`resolveReportConfig`), which the report Lambda shares with the environment alone.
 */
import { GLUE_DEFAULTS } from '../../lake-contract/index.ts';
import { defineSettings } from '../../lib/settings/index.ts';
import type { CommandSpec } from '../args.ts';
import { LAKE_FOLDER_DEFAULT, REGION } from './shared.ts';

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
  },
  'as-of': { value: 'YYYY-MM-DD', help: 'count the previous period back from this day instead of today' },
  engine: { default: 'duckdb', value: 'E', help: 'duckdb (the local lake) or athena' },
  lake: {
    ...LAKE_FOLDER_DEFAULT,
    help: 'DuckDB: the lake folder; Athena: the s3:// lake, the default --out',
  },
  out: {
    env: ['REPORT_OUT'],
    defaultNote: 'the lake',
    value: 'DIR|s3://bucket/prefix',
    help: 'where reports go, under <out>/reports/',
  },
  staging: { env: ['REPORT_STAGING'], value: 'S3', help: 'no longer used (refused with a note)' },
  top: { env: ['REPORT_TOP'], default: '10', value: 'N', help: 'rows per ranked section' },
  email: {
    type: 'boolean',
    help: 'mail the summary with links (env REPORT_EMAIL=true); needs SMTP_HOST, REPORT_FROM, REPORT_TO',
  },
  'link-expires': {
    env: ['REPORT_LINK_EXPIRES'],
    default: '7d',
    value: 'D',
    help: 'lifetime of presigned S3 links, at most 7d',
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
  region: REGION,
  endpoint: { env: ['ACCESSLAKE_ATHENA_ENDPOINT'], value: 'URL', help: 'Athena: an endpoint (moto)' },
  's3-endpoint': { env: ['ACCESSLAKE_S3_ENDPOINT'], value: 'URL', help: 'an S3-compatible endpoint' },
});

export const REPORT_COMMAND: CommandSpec<typeof REPORT_SETTINGS> = {
  name: 'report',
  usage: `usage: accesslake report (--period weekly|monthly|quarterly | --from YYYY-MM-DD --to YYYY-MM-DD)
                         [--tz Zone] [--engine duckdb|athena] [--lake ./lake] [--out DIR|s3://bucket/prefix]
                         [--email] [--top 10] [--as-of YYYY-MM-DD] [--link-expires 7d]`,
  description: `Writes a traffic report for a period: totals (requests, bytes, error rate, latency p50/p95/p99), daily
breakdown, top paths, clients and user agents, status classes and 4xx/5xx hot spots, as one Parquet
file and one CSV.gz plus a Markdown and HTML summary, under <out>/reports/ (see docs/reports.md).`,
  settings: REPORT_SETTINGS,
  epilog: `Mail also reads SMTP_PORT, SMTP_SECURE, SMTP_USER, SMTP_PASSWORD and REPORT_REPLY_TO as needed;
S3 links use ACCESSLAKE_S3_REGION when set. --out may be local with Athena.`,
};
