import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import {
  compactionPolicy,
  crawlerPolicy,
  crawlerTrustPolicy,
  grafanaPolicy,
  projectionTableDdl,
  queryPolicy,
  registrarPolicy,
  reportPolicy,
} from '../../glue/index.ts';
import { pickLakeLocation } from '../../lib/config/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { provision, resolveProvisionOptions, type StepReport } from '../../provision/index.ts';
import { type CommandRunner, parseCommand } from '../args.ts';
import { PROVISION_COMMAND } from '../options/provision.ts';

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
  const parsed = parseCommand(PROVISION_COMMAND, argv);
  if (parsed.help) return 0;
  const values = parsed.flags;
  const o = resolveProvisionOptions(values, env);
  for (const note of pickLakeLocation(values, env).deprecations)
    console.error(`accesslake provision: ${note}`);
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
