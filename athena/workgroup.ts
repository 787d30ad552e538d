/**
 * The Athena workgroup's definition: engine v3, results in the lake bucket, settings enforced on every
 * query, and a per-query scan cutoff as the cost guard.
 * https://docs.aws.amazon.com/athena/latest/APIReference/API_WorkGroupConfiguration.html
 */
import type { CreateWorkGroupCommandInput } from '@aws-sdk/client-athena';
import { type ProvisionOptions, resultsLocation } from '../glue/provision/options.ts';

export const ENGINE_VERSION = 'Athena engine version 3';

export function desiredWorkGroup(o: ProvisionOptions): CreateWorkGroupCommandInput {
  return {
    Name: o.workgroup,
    Description: 'accesslake: queries over the access-log lake',
    Configuration: {
      ResultConfiguration: { OutputLocation: resultsLocation(o) },
      // Clients cannot override the results location or the cutoff: the guard holds for every query.
      EnforceWorkGroupConfiguration: true,
      // Athena cancels a query once it has scanned this much, and bills only what it scanned.
      BytesScannedCutoffPerQuery: o.bytesScannedCutoff,
      EngineVersion: { SelectedEngineVersion: ENGINE_VERSION },
      PublishCloudWatchMetricsEnabled: true,
    },
  };
}
