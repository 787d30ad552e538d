/**
 * `accesslake provision`: makes the AWS side of the lake, idempotently. This is the orchestrator: the
 * S3 bucket step is here, the Glue steps (database, tables, crawler) are in glue/provision/, the Athena
 * steps (workgroups, view, named queries) in athena/provision/; those two import nothing from each other,
 * only the step shape (./step.ts) and the options (./options.ts) from here. Each resource is inspected
 * first; a missing one is created, a matching one left alone, and one that differs is reported with its
 * diff and changed only with `applyChanges`. A dry run inspects and reports without changing anything.
 */
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { GlueClient } from '@aws-sdk/client-glue';
import type { S3Client } from '@aws-sdk/client-s3';
import { namedQuerySteps, viewStep, workgroupStep } from '../athena/index.ts';
import { compactedTableStep, crawlerStep, databaseStep, rawTableStep } from '../glue/index.ts';
import { ConfigError } from '../lib/errors/index.ts';
import { bucketStep } from './bucket-step.ts';
import type { ProvisionOptions, ProvisionStep, StepReport } from './contract/index.ts';

export type { Change, Outcome, StepReport } from './contract/index.ts';
export { type ProvisionOptions, resolveProvisionOptions } from './contract/index.ts';

export interface ProvisionClients {
  s3: S3Client;
  glue: GlueClient;
  athena: AthenaClient;
}

export interface ProvisionRun {
  dryRun?: boolean;
  /** Update resources that differ (UpdateCrawler, UpdateWorkGroup, UpdateTable, UpdateNamedQuery). */
  applyChanges?: boolean;
  /** Called with each report as soon as its step is done, for live output. */
  onReport?: (report: StepReport) => void;
}

export interface ProvisionResult {
  reports: StepReport[];
  /** Glue's CatalogId, i.e. the account id, when the database could be read. */
  accountId: string | undefined;
  /** Nothing was (or, in a dry run, would be) created or updated. */
  nothingToDo: boolean;
  /** Some resource differs and was left as it is, or could not be made (no role). */
  incomplete: boolean;
}

export function provisionSteps(
  o: ProvisionOptions,
  clients: ProvisionClients,
  onCatalogId: (id: string) => void,
) {
  const steps: ProvisionStep[] = [bucketStep(o, clients.s3), databaseStep(o, clients.glue, onCatalogId)];
  // The raw table first: in crawler mode the crawler's target is this table.
  steps.push(rawTableStep(o, clients.glue));
  if (o.tableMode === 'crawler') steps.push(crawlerStep(o, clients.glue));
  steps.push(compactedTableStep(o, clients.glue));
  // The view is made by Athena, in the workgroup, over both tables: after all three.
  steps.push(
    workgroupStep(o, clients.athena),
    workgroupStep(o, clients.athena, 'reports'),
    viewStep(o, clients),
  );
  steps.push(...namedQuerySteps(o, clients.athena));
  return steps;
}

export async function provision(
  o: ProvisionOptions,
  clients: ProvisionClients,
  run: ProvisionRun = {},
): Promise<ProvisionResult> {
  let accountId: string | undefined;
  const reports: StepReport[] = [];
  for (const step of provisionSteps(o, clients, (id) => (accountId = id))) {
    const report = await runStep(step, run);
    reports.push(report);
    run.onReport?.(report);
  }
  return {
    reports,
    accountId,
    nothingToDo: reports.every(
      (r) => r.outcome === 'unchanged' || r.outcome === 'differs' || r.outcome === 'blocked',
    ),
    incomplete: reports.some((r) => r.outcome === 'differs' || r.outcome === 'blocked'),
  };
}

async function runStep(step: ProvisionStep, run: ProvisionRun): Promise<StepReport> {
  const base = { kind: step.kind, name: step.name };
  const blocked = step.blockedReason?.();
  // A resource we cannot make is reported without asking AWS about it when it cannot exist anyway.
  const seen = await step.inspect();
  if (seen.state === 'missing') {
    if (blocked) {
      if (step.kind === 'S3 bucket' && !run.dryRun) throw new ConfigError(blocked);
      return { ...base, outcome: 'blocked', changes: [], note: blocked };
    }
    if (run.dryRun) return { ...base, outcome: 'would create', changes: [] };
    await step.create();
    return { ...base, outcome: 'created', changes: [] };
  }
  if (seen.changes.length === 0) return { ...base, outcome: 'unchanged', changes: [] };
  if (!run.applyChanges || !step.update) {
    return {
      ...base,
      outcome: 'differs',
      changes: seen.changes,
      note: step.update
        ? 'left as it is; review the difference and run again with --apply-changes to update it'
        : 'left as it is; this resource cannot be changed in place',
    };
  }
  if (run.dryRun) return { ...base, outcome: 'would update', changes: seen.changes };
  await step.update();
  return { ...base, outcome: 'updated', changes: seen.changes };
}
