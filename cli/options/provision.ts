/**
 * `accesslake provision`: its settings table (lib/settings) and help text. The values are resolved by
 * `resolveProvisionOptions` (provision/options.ts), which the deploy stack shares.
 */
import { GLUE_DEFAULTS } from '../../glue/defaults.ts';
import { LAKE_SETTING } from '../../lib/config/index.ts';
import { defineSettings } from '../../lib/settings/index.ts';
import type { CommandSpec } from '../args.ts';
import { REGION } from './shared.ts';

export const PROVISION_SETTINGS = defineSettings({
  lake: { ...LAKE_SETTING, value: 's3://bucket/prefix', defaultNote: 'required', help: 'the lake in S3' },
  region: REGION,
  endpoint: {
    env: ['ACCESSLAKE_AWS_ENDPOINT'],
    value: 'URL',
    help: 'one endpoint for S3, Glue and Athena (moto, LocalStack)',
  },
  table: {
    default: 'crawler',
    value: 'crawler|projection',
    help: 'how the raw table learns its partitions: a Glue crawler on a schedule, or partition projection',
  },
  database: {
    env: ['ACCESSLAKE_GLUE_DATABASE'],
    default: GLUE_DEFAULTS.database,
    value: 'D',
    help: 'the Glue database',
  },
  'crawler-name': {
    env: ['ACCESSLAKE_GLUE_CRAWLER'],
    default: GLUE_DEFAULTS.crawler,
    value: 'C',
    help: 'the crawler',
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
  },
  workgroup: {
    env: ['ACCESSLAKE_ATHENA_WORKGROUP'],
    default: GLUE_DEFAULTS.workgroup,
    value: 'W',
    help: 'the Athena workgroup (engine v3, enforced settings, results in <prefix>/athena-results/)',
  },
  'bytes-scanned-cutoff': {
    default: '10GiB',
    value: 'SIZE',
    help: "the workgroup's per-query scan cutoff (at least 10 MB)",
  },
  'reports-workgroup': {
    env: ['ACCESSLAKE_REPORTS_WORKGROUP'],
    default: GLUE_DEFAULTS.reportsWorkgroup,
    value: 'W',
    help: 'the reports workgroup (results in <prefix>/athena-results/reports/)',
  },
  'reports-bytes-scanned-cutoff': {
    default: '100GiB',
    value: 'SIZE',
    help: "the reports workgroup's scan cutoff",
  },
  'create-bucket': { type: 'boolean', help: 'create the S3 bucket when it does not exist' },
  'dry-run': { type: 'boolean', help: 'show what would be created or changed, change nothing' },
  'apply-changes': {
    type: 'boolean',
    help: 'update resources that differ from the wanted settings (without it they are shown with their differences and left as they are, and the exit code is 1)',
  },
  'print-policy': {
    type: 'boolean',
    help: 'print the least-privilege IAM policies (crawler role, ingest registrar, queries, Grafana, reports, compaction) and exit',
  },
  policy: {
    value: 'NAME',
    help: 'with --print-policy: only this document (crawler, registrar, query, grafana, report, compaction), as it goes into aws iam put-role-policy --policy-document',
  },
  'print-ddl': { type: 'boolean', help: 'print the partition-projection table as Athena DDL and exit' },
});

export const PROVISION_COMMAND: CommandSpec<typeof PROVISION_SETTINGS> = {
  name: 'provision',
  usage: 'usage: accesslake provision --lake s3://bucket/prefix [options]',
  description: `Makes the AWS side of the lake; run it again at any time: what exists and matches is left alone.
  S3 bucket (must exist, or --create-bucket) · Glue database · the raw JSON table access_logs_raw over
  <prefix>/access_logs/, kept by a Glue crawler on a schedule (or, with --table projection, by
  partition projection and no crawler) · the Parquet table access_logs_compacted · Athena workgroup
  (engine v3, results in <prefix>/athena-results/, enforced settings, a per-query scan cutoff) · the
  reports workgroup (results in <prefix>/athena-results/reports/, its own cutoff) · the view
  access_logs over both tables · the named queries.`,
  settings: PROVISION_SETTINGS,
  epilog: 'See docs/aws.md.',
};
