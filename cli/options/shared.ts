/** Rows several commands' settings tables share: the lake, Athena and the AWS region. */
export {
  ATHENA_WORKGROUP_SETTING as ATHENA_WORKGROUP,
  GLUE_DATABASE_SETTING as GLUE_DATABASE,
} from '../../lake-contract/index.ts';
export {
  AWS_REGION_SETTING as REGION,
  LAKE_FOLDER_DEFAULT,
} from '../../lib/config/index.ts';

export const AWS_ENDPOINT = {
  value: 'URL',
  help: 'one endpoint for every AWS service (moto, LocalStack)',
} as const;
