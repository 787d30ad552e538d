/**
 * The compaction Lambda's settings table (lib/settings), read from its environment once per container
 * by functions/compact.ts: the same lake, Glue database, Athena workgroup and region rows as
 * `accesslake compact`, plus how many hours one invocation may compact. The CDK stack sets them
 * (deploy/compact-function.ts).
 */
import { ATHENA_WORKGROUP_SETTING, GLUE_DATABASE_SETTING } from '../lake-contract/index.ts';
import { AWS_REGION_SETTING, LAKE_SETTING } from '../lib/config/index.ts';
import { ConfigError } from '../lib/errors/index.ts';
import { defineSettings, resolveSettings, type SettingsOf } from '../lib/settings/index.ts';
import { parseInteger } from '../lib/units/index.ts';
import { parseStorageUrl } from '../storage/index.ts';

export const COMPACT_LAMBDA_SETTINGS = defineSettings({
  lake: { ...LAKE_SETTING, value: 's3://bucket/prefix', defaultNote: 'required', help: 'the lake in S3' },
  database: GLUE_DATABASE_SETTING,
  workgroup: { ...ATHENA_WORKGROUP_SETTING, help: 'Athena: the workgroup the view is replaced in' },
  region: AWS_REGION_SETTING,
  'max-hours': {
    env: ['ACCESSLAKE_COMPACT_MAX_HOURS'],
    default: '24',
    value: 'N',
    help: 'hours one invocation compacts at most; the next scheduled run goes on from there',
    // A year of hours: more would not fit in the Lambda's 15 minutes anyway.
    parse: (raw, setting) => parseInteger(raw, setting, 1, 8760),
  },
});

/**
 * Resolves {@link COMPACT_LAMBDA_SETTINGS} from the Lambda's environment.
 * @throws {ConfigError} no lake or one not in S3, or a bad value, named as the variable it came from
 */
export function resolveCompactLambdaSettings(
  env: Record<string, string | undefined>,
): SettingsOf<typeof COMPACT_LAMBDA_SETTINGS> & { lake: string } {
  const { values, sources } = resolveSettings(COMPACT_LAMBDA_SETTINGS, {}, env);
  const lake = values.lake ?? '';
  if (lake === '' || parseStorageUrl(lake).kind !== 's3')
    throw new ConfigError(
      `${sources.lake ?? 'ACCESSLAKE_LAKE'} must be s3://bucket/prefix, got ${JSON.stringify(lake)}`,
    );
  return { ...values, lake };
}
