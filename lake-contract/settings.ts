/**
 * The settings rows (lib/settings) naming the lake's catalog, shared by every command and Lambda that
 * runs Athena over it (query, compact, the compaction Lambda): the Glue database and the Athena
 * workgroup, with their variables and the defaults `provision` creates.
 */
import { GLUE_DEFAULTS } from './defaults.ts';

export const GLUE_DATABASE_SETTING = {
  env: ['ACCESSLAKE_GLUE_DATABASE'],
  default: GLUE_DEFAULTS.database,
  value: 'D',
  help: 'Athena: the Glue database of the lake tables',
} as const;

export const ATHENA_WORKGROUP_SETTING = {
  env: ['ACCESSLAKE_ATHENA_WORKGROUP'],
  default: GLUE_DEFAULTS.workgroup,
  value: 'W',
  help: 'Athena: the workgroup queries run in',
} as const;
