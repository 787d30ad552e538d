/** Rows several commands' settings tables share: the lake, Athena and the AWS region. */
import { GLUE_DEFAULTS } from '../../lake-contract/index.ts';

export {
  AWS_REGION_SETTING as REGION,
  LAKE_FOLDER_DEFAULT,
} from '../../lib/config/index.ts';

export const ATHENA_WORKGROUP = {
  env: ['ACCESSLAKE_ATHENA_WORKGROUP'],
  default: GLUE_DEFAULTS.workgroup,
  value: 'W',
  help: 'Athena: the workgroup queries run in',
} as const;

export const GLUE_DATABASE = {
  env: ['ACCESSLAKE_GLUE_DATABASE'],
  default: GLUE_DEFAULTS.database,
  value: 'D',
  help: 'Athena: the Glue database of the lake tables',
} as const;

export const AWS_ENDPOINT = {
  value: 'URL',
  help: 'one endpoint for every AWS service (moto, LocalStack)',
} as const;
