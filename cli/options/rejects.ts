/** `accesslake rejects`: its settings table (lib/settings) and help text. */
import { defineSettings } from '../../lib/settings/index.ts';
import type { CommandSpec } from '../args.ts';
import { LAKE_FOLDER_DEFAULT } from './shared.ts';

export const REJECTS_SETTINGS = defineSettings({
  lake: LAKE_FOLDER_DEFAULT,
  format: {
    value: 'F',
    help: 'replay: the format the rejected lines are really in (json, combined, main, s3, alb or a log_format)',
  },
  source: {
    value: 'S',
    help: "replay: only the rejects of this source (the agent's --source, e.g. the host name)",
  },
  's3-endpoint': {
    env: ['ACCESSLAKE_S3_ENDPOINT'],
    value: 'URL',
    help: 'an S3-compatible endpoint, e.g. MinIO or moto',
  },
  's3-region': { env: ['ACCESSLAKE_S3_REGION', 'AWS_REGION'], value: 'R', help: 'the S3 region' },
});

export const REJECTS_COMMAND: CommandSpec<typeof REJECTS_SETTINGS> = {
  name: 'rejects',
  usage: `usage: accesslake rejects [--lake ./lake | s3://bucket/prefix] [--s3-endpoint URL] [--s3-region R]
       accesslake rejects replay --format F [--source S] [--lake …]`,
  description: `Lines ingest could not read are kept in the lake under rejects/, each with its reason. The first form
lists them grouped by reason, with an example line each. "replay" reads them again with a corrected
--format: the lines that now parse go into the lake, those that still fail stay under rejects/ with
their new reason. A replay is exactly once: run again, or after an interruption, it adds nothing twice.`,
  settings: REJECTS_SETTINGS,
  positionals: true,
};
