import {
  type AthenaClient,
  CreateWorkGroupCommand,
  GetWorkGroupCommand,
  UpdateWorkGroupCommand,
  type WorkGroup,
} from '@aws-sdk/client-athena';
import { awsErrorCode, toAwsError } from '../../aws/index.ts';
import type { ProvisionOptions } from '../../provision/contract/index.ts';
import { diff, type ProvisionStep } from '../../provision/contract/index.ts';
import { desiredWorkGroup, type WorkGroupRole } from '../workgroup.ts';

/** Athena answers a missing workgroup with InvalidRequestException and this wording (API_GetWorkGroup). */
const NOT_FOUND = /not found|does not exist/i;

export function workgroupStep(
  o: ProvisionOptions,
  athena: AthenaClient,
  role: WorkGroupRole = 'queries',
): ProvisionStep {
  const desired = desiredWorkGroup(o, role);
  const name = desired.Name ?? o.workgroup;
  const resource = `workgroup/${name}`;
  return {
    kind: 'Athena workgroup',
    name,
    async inspect() {
      let workgroup: WorkGroup | undefined;
      try {
        workgroup = (await athena.send(new GetWorkGroupCommand({ WorkGroup: name }))).WorkGroup;
      } catch (error) {
        if (awsErrorCode(error) === 'InvalidRequestException' && NOT_FOUND.test((error as Error).message)) {
          return { state: 'missing' };
        }
        throw toAwsError(error, 'athena:GetWorkGroup', resource);
      }
      if (!workgroup) return { state: 'missing' };
      const c = workgroup.Configuration ?? {};
      const want = desired.Configuration ?? {};
      return {
        state: 'present',
        changes: diff(
          {
            OutputLocation: want.ResultConfiguration?.OutputLocation,
            EnforceWorkGroupConfiguration: want.EnforceWorkGroupConfiguration,
            BytesScannedCutoffPerQuery: want.BytesScannedCutoffPerQuery,
            EngineVersion: want.EngineVersion?.SelectedEngineVersion,
            State: 'ENABLED',
          },
          {
            OutputLocation: c.ResultConfiguration?.OutputLocation,
            EnforceWorkGroupConfiguration: c.EnforceWorkGroupConfiguration,
            BytesScannedCutoffPerQuery: c.BytesScannedCutoffPerQuery,
            EngineVersion: c.EngineVersion?.SelectedEngineVersion,
            State: workgroup.State,
          },
        ),
      };
    },
    async create() {
      try {
        await athena.send(new CreateWorkGroupCommand(desired));
      } catch (error) {
        if (
          awsErrorCode(error) === 'InvalidRequestException' &&
          /already exists/i.test((error as Error).message)
        )
          return;
        throw toAwsError(error, 'athena:CreateWorkGroup', resource);
      }
    },
    async update() {
      const want = desired.Configuration ?? {};
      try {
        await athena.send(
          new UpdateWorkGroupCommand({
            WorkGroup: name,
            State: 'ENABLED',
            ConfigurationUpdates: {
              ResultConfigurationUpdates: { OutputLocation: want.ResultConfiguration?.OutputLocation },
              EnforceWorkGroupConfiguration: want.EnforceWorkGroupConfiguration,
              BytesScannedCutoffPerQuery: want.BytesScannedCutoffPerQuery,
              EngineVersion: want.EngineVersion,
              PublishCloudWatchMetricsEnabled: want.PublishCloudWatchMetricsEnabled,
            },
          }),
        );
      } catch (error) {
        throw toAwsError(error, 'athena:UpdateWorkGroup', resource);
      }
    },
  };
}
