/**
 * `accesslake report`: its help text around the report's settings table (reports/settings.ts), which
 * `resolveReportConfig` resolves for the CLI and, from the environment alone, for the report Lambda.
 */
import { REPORT_SETTINGS } from '../../reports/index.ts';
import type { CommandSpec } from '../args.ts';

export const REPORT_COMMAND: CommandSpec<typeof REPORT_SETTINGS> = {
  name: 'report',
  usage: `usage: accesslake report (--period weekly|monthly|quarterly | --from YYYY-MM-DD --to YYYY-MM-DD)
                         [--tz Zone] [--engine duckdb|athena] [--lake ./lake] [--out DIR|s3://bucket/prefix]
                         [--email] [--top 10] [--as-of YYYY-MM-DD] [--link-expires 7d]`,
  description: `Writes a traffic report for a period: totals (requests, bytes, error rate, latency p50/p95/p99), daily
breakdown, top paths, clients and user agents, status classes and 4xx/5xx hot spots, as one Parquet
file and one CSV.gz plus a Markdown and HTML summary, under <out>/reports/ (see docs/reports.md).`,
  settings: REPORT_SETTINGS,
  epilog: `Mail also reads SMTP_PORT, SMTP_SECURE, SMTP_USER, SMTP_PASSWORD and REPORT_REPLY_TO as needed.
--out may be local with Athena.`,
};
