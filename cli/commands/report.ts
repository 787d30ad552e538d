import { pickLakeLocation } from '../../lib/config/index.ts';
import { createLogger } from '../../lib/log/index.ts';
import { createDuckDbEngine, formatBytes } from '../../query/index.ts';
import { checkLocalLake } from '../../query/lake-check.ts';
import { resolveReportConfig } from '../../reports/config.ts';
import { runReportFromConfig } from '../../reports/from-config.ts';
import { headline } from '../../reports/output/summary.ts';
import { parseFlags } from '../args.ts';
import type { CommandRunner } from '../main.ts';

const HELP = `usage: accesslake report (--period weekly|monthly|quarterly | --from YYYY-MM-DD --to YYYY-MM-DD)
                         [--tz Zone] [--engine duckdb|athena] [--lake ./lake] [--out DIR|s3://bucket/prefix]
                         [--email] [--top 10] [--as-of YYYY-MM-DD] [--link-expires 7d]

Writes a traffic report for a period: totals (requests, bytes, error rate, latency p50/p95/p99), daily
breakdown, top paths, clients and user agents, status classes and 4xx/5xx hot spots, as one Parquet
file and one CSV.gz plus a Markdown and HTML summary, under <out>/reports/ (see docs/reports.md).

  --period      weekly: the previous full Monday–Sunday; monthly: the previous full month;
                quarterly: the previous full calendar quarter (env REPORT_PERIOD)
  --from, --to  a custom range of whole days, both inclusive; not with --period
  --tz          IANA zone the days are counted in, e.g. Europe/Berlin (env REPORT_TZ, default UTC)
  --as-of       count the previous period back from this day instead of today
  --out         where reports go (env REPORT_OUT); default: the lake folder with DuckDB,
                ACCESSLAKE_STORAGE (s3://…) with Athena
  --email       mail the summary with links; needs SMTP_HOST, REPORT_FROM, REPORT_TO (and
                SMTP_PORT, SMTP_SECURE, SMTP_USER, SMTP_PASSWORD, REPORT_REPLY_TO as needed)
  --top         rows per ranked section (env REPORT_TOP, default 10)
  --link-expires  lifetime of presigned S3 links, at most 7d (env REPORT_LINK_EXPIRES, default 7d)
DuckDB: --lake DIR (env ACCESSLAKE_LAKE, default ./lake).
Athena: --workgroup (env ACCESSLAKE_ATHENA_WORKGROUP, default accesslake-reports, the reports
  workgroup provision makes), --database (env ACCESSLAKE_GLUE_DATABASE, default accesslake), --region
  (env AWS_REGION), --endpoint URL, --s3-endpoint URL (env ACCESSLAKE_S3_ENDPOINT). --out may be local.`;

export const run: CommandRunner = async (argv, env) => {
  const { values } = parseFlags(argv, {
    period: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    tz: { type: 'string' },
    'as-of': { type: 'string' },
    engine: { type: 'string' },
    lake: { type: 'string' },
    out: { type: 'string' },
    staging: { type: 'string' },
    top: { type: 'string' },
    email: { type: 'boolean' },
    'link-expires': { type: 'string' },
    workgroup: { type: 'string' },
    database: { type: 'string' },
    region: { type: 'string' },
    endpoint: { type: 'string' },
    's3-endpoint': { type: 'string' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const config = resolveReportConfig(values, env);
  if (config.engine === 'duckdb')
    await checkLocalLake(config.lake, pickLakeLocation(values, env).setting ?? 'the default');
  const logger = createLogger({ level: 'warn', fields: { component: 'report' } });
  const outcome = await runReportFromConfig(config, {
    logger,
    openDuckDb: (lake) => createDuckDbEngine({ lake }),
  });

  console.log(
    `${outcome.report.period.kind} report ${outcome.report.period.label}: ${headline(outcome.report)}`,
  );
  for (const url of outcome.links.parquet) console.log(`  parquet  ${url}`);
  console.log(`  csv.gz   ${outcome.links.csv}`);
  console.log(`  summary  ${outcome.keys.markdown} (and summary.html) under ${config.out}`);
  if (outcome.email) console.log(`  mailed to ${outcome.email.accepted.join(', ')}`);
  if (outcome.bytesScanned !== undefined) {
    console.error(
      `scanned ${formatBytes(outcome.bytesScanned)}, cost $${(outcome.costUsd ?? 0).toFixed(6)} at $5/TB`,
    );
  }
  return 0;
};
