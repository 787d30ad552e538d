/**
 * The Athena workgroup's definition: engine v3, results in the lake bucket, settings enforced on every
 * query, and a per-query scan cutoff as the cost guard.
 * https://docs.aws.amazon.com/athena/latest/APIReference/API_WorkGroupConfiguration.html
 */
import type { CreateWorkGroupCommandInput } from '@aws-sdk/client-athena';
import {
  type ProvisionOptions,
  reportsResultsLocation,
  resultsLocation,
} from '../provision/contract/index.ts';

export const ENGINE_VERSION = 'Athena engine version 3';

/** Which of the two workgroups: `queries` (CLI, Grafana, named queries) or `reports` (CTAS reports). */
export type WorkGroupRole = 'queries' | 'reports';

/** The name, results location and cutoff of one of the two workgroups. */
export function workGroupSpec(o: ProvisionOptions, role: WorkGroupRole) {
  return role === 'queries'
    ? {
        name: o.workgroup,
        description: 'accesslake: queries over the access-log lake',
        outputLocation: resultsLocation(o),
        cutoff: o.bytesScannedCutoff,
      }
    : {
        name: o.reportsWorkgroup,
        description: 'accesslake: scheduled reports (CTAS into its results location, its own scan cutoff)',
        outputLocation: reportsResultsLocation(o),
        cutoff: o.reportsBytesScannedCutoff,
      };
}

/**
 * Both workgroups are enforced, so a report's CTAS names no `external_location` (reports/engines/athena.ts)
 * and writes into `<results>/tables/<query-id>/`.
 */
export function desiredWorkGroup(
  o: ProvisionOptions,
  role: WorkGroupRole = 'queries',
): CreateWorkGroupCommandInput {
  const spec = workGroupSpec(o, role);
  return {
    Name: spec.name,
    Description: spec.description,
    Configuration: {
      ResultConfiguration: { OutputLocation: spec.outputLocation },
      // Clients cannot override the results location or the cutoff: the guard holds for every query.
      EnforceWorkGroupConfiguration: true,
      // Athena cancels a query once it has scanned this much, and bills only what it scanned.
      BytesScannedCutoffPerQuery: spec.cutoff,
      EngineVersion: { SelectedEngineVersion: ENGINE_VERSION },
      PublishCloudWatchMetricsEnabled: true,
    },
  };
}
