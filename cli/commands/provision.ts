import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import {
  compactionPolicy,
  crawlerPolicy,
  crawlerTrustPolicy,
  grafanaPolicy,
  queryPolicy,
  registrarPolicy,
  reportPolicy,
} from '../../glue/iam-policy.ts';
import { projectionTableDdl } from '../../glue/projection-table.ts';
import { provision, resolveProvisionOptions, type StepReport } from '../../glue/provision/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { parseFlags } from '../args.ts';
import type { CommandRunner } from '../main.ts';

const HELP = `usage: accesslake provision --storage s3://bucket/prefix [--region R] [--endpoint URL]
         [--table crawler|projection] [--crawler-role ARN] [--crawler-schedule hourly|15m|"cron(…)"]
         [--crawler-name accesslake-access-logs] [--database accesslake] [--workgroup accesslake]
         [--bytes-scanned-cutoff 10GiB] [--reports-workgroup accesslake-reports]
         [--reports-bytes-scanned-cutoff 100GiB] [--create-bucket] [--dry-run] [--apply-changes]
         [--print-policy [--policy crawler|registrar|query|grafana|report|compaction]] [--print-ddl]

Makes the AWS side of the lake; run it again at any time: what exists and matches is left alone.
  S3 bucket (must exist, or --create-bucket) · Glue database · the raw JSON table access_logs_raw over
  <prefix>/access_logs/, kept by a Glue crawler on a schedule (or, with --table projection, by
  partition projection and no crawler) · the Parquet table access_logs_compacted · Athena workgroup (engine v3, results in <prefix>/athena-results/, enforced settings, a
  per-query scan cutoff) · the reports workgroup (results in <prefix>/athena-results/reports/, its own
  cutoff) · the view access_logs over both tables · the named queries.
  --dry-run         show what would be created or changed, change nothing
  --apply-changes   update resources that differ from the wanted settings (without it they are shown
                    with their differences and left as they are, and the exit code is 1)
  --print-policy    print the least-privilege IAM policies (crawler role, ingest registrar, queries,
                    Grafana, reports, compaction) and exit; with --policy NAME only that document, as it goes
                    into aws iam put-role-policy --policy-document
  --print-ddl       print the partition-projection table as Athena DDL and exit
Environment: ACCESSLAKE_STORAGE, AWS_REGION, ACCESSLAKE_AWS_ENDPOINT, ACCESSLAKE_GLUE_DATABASE,
  ACCESSLAKE_GLUE_CRAWLER, ACCESSLAKE_CRAWLER_ROLE, ACCESSLAKE_ATHENA_WORKGROUP,
  ACCESSLAKE_REPORTS_WORKGROUP. See docs/aws.md.`;

const SIGN: Record<StepReport['outcome'], string> = {
  created: '+',
  'would create': '+',
  unchanged: '=',
  updated: '~',
  'would update': '~',
  differs: '!',
  blocked: '?',
};

export const run: CommandRunner = async (argv, env) => {
  const { values } = parseFlags(argv, {
    storage: { type: 'string' },
    region: { type: 'string' },
    endpoint: { type: 'string' },
    table: { type: 'string' },
    database: { type: 'string' },
    'crawler-name': { type: 'string' },
    'crawler-role': { type: 'string' },
    'crawler-schedule': { type: 'string' },
    workgroup: { type: 'string' },
    'bytes-scanned-cutoff': { type: 'string' },
    'reports-workgroup': { type: 'string' },
    'reports-bytes-scanned-cutoff': { type: 'string' },
    'create-bucket': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    'apply-changes': { type: 'boolean' },
    'print-policy': { type: 'boolean' },
    policy: { type: 'string' },
    'print-ddl': { type: 'boolean' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const o = resolveProvisionOptions(values, env);
  if (values['print-ddl']) {
    console.log(projectionTableDdl(o));
    return 0;
  }
  if (values.policy !== undefined && !values['print-policy']) {
    throw new ConfigError(
      '--policy goes with --print-policy: accesslake provision --print-policy --policy report',
    );
  }
  if (values['print-policy']) {
    const all = policies(o, undefined);
    if (values.policy === undefined) {
      console.log(JSON.stringify(all, null, 2));
      return 0;
    }
    const documents: Record<string, unknown> = {
      crawler: all.crawlerRolePolicy,
      registrar: all.ingestRegistrarPolicy,
      query: all.queryPolicy,
      grafana: all.grafanaPolicy,
      report: all.reportPolicy,
      compaction: all.compactionPolicy,
    };
    const document = documents[values.policy];
    if (!document) {
      throw new ConfigError(
        `--policy: ${JSON.stringify(values.policy)} is not one of ${Object.keys(documents).join(', ')}`,
      );
    }
    console.log(JSON.stringify(document, null, 2));
    return 0;
  }

  const endpoint = o.endpoint ? { endpoint: o.endpoint } : {};
  const clients = {
    s3: new S3Client({ region: o.region, ...endpoint, forcePathStyle: Boolean(o.endpoint) }),
    glue: new GlueClient({ region: o.region, ...endpoint }),
    athena: new AthenaClient({ region: o.region, ...endpoint }),
  };
  const dryRun = values['dry-run'] ?? false;
  console.log(
    `accesslake provision${dryRun ? ' (dry run: nothing will be changed)' : ''}: s3://${o.bucket}/${o.prefix} in ${o.region}, table by ${o.tableMode}`,
  );
  try {
    const result = await provision(o, clients, {
      dryRun,
      applyChanges: values['apply-changes'] ?? false,
      onReport: (r) => console.log(formatReport(r)),
    });
    if (result.reports.some((r) => r.kind === 'Glue crawler' && r.outcome === 'blocked')) {
      console.log('\nIAM role for the crawler (trust policy, then permissions policy):');
      console.log(JSON.stringify(crawlerTrustPolicy, null, 2));
      console.log(JSON.stringify(crawlerPolicy(o, result.accountId), null, 2));
    }
    console.log(`\n${summary(result.reports, dryRun)}`);
    return result.incomplete ? 1 : 0;
  } finally {
    clients.s3.destroy();
    clients.glue.destroy();
    clients.athena.destroy();
  }
};

function formatReport(r: StepReport): string {
  const lines = [`  ${SIGN[r.outcome]} ${r.kind} ${r.name}: ${r.outcome}${r.note ? ` (${r.note})` : ''}`];
  for (const c of r.changes) {
    lines.push(`      ${c.field}: ${show(c.actual)} → ${show(c.desired)}`);
  }
  return lines.join('\n');
}

const show = (value: unknown) => {
  const text = value === undefined ? '(not set)' : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

function summary(reports: StepReport[], dryRun: boolean): string {
  const count = (outcome: StepReport['outcome']) => reports.filter((r) => r.outcome === outcome).length;
  const changed = count('created') + count('updated') + count('would create') + count('would update');
  const parts = [
    count('created') && `${count('created')} created`,
    count('would create') && `${count('would create')} would be created`,
    count('updated') && `${count('updated')} updated`,
    count('would update') && `${count('would update')} would be updated`,
    count('unchanged') && `${count('unchanged')} unchanged`,
    count('differs') && `${count('differs')} differ and were left as they are`,
    count('blocked') && `${count('blocked')} could not be made`,
  ].filter(Boolean);
  if (changed === 0 && count('differs') === 0 && count('blocked') === 0) {
    return `nothing to change: all ${reports.length} resources are already as wanted`;
  }
  return `${dryRun ? 'dry run, nothing changed: ' : ''}${parts.join(', ')}`;
}

function policies(o: ReturnType<typeof resolveProvisionOptions>, account: string | undefined) {
  return {
    crawlerRoleTrustPolicy: crawlerTrustPolicy,
    crawlerRolePolicy: crawlerPolicy(o, account),
    ingestRegistrarPolicy: registrarPolicy(o, account),
    queryPolicy: queryPolicy(o, account),
    grafanaPolicy: grafanaPolicy(o, account),
    reportPolicy: reportPolicy(o, account),
    compactionPolicy: compactionPolicy(o, account),
  };
}
