/**
 * `accesslake provision`: the settings of what it makes (PROVISION_SETTINGS in provision/options.ts,
 * which the deploy stack shares) plus the command's own action flags, and its help text.
 */
import { defineSettings } from '../../lib/settings/index.ts';
import { PROVISION_SETTINGS as MADE } from '../../provision/contract/index.ts';
import type { CommandSpec } from '../args.ts';

export const PROVISION_SETTINGS = defineSettings({
  ...MADE,
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
