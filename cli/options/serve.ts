/**
 * `accesslake serve`: its help text around the ingest's settings table (ingest/settings.ts), which the
 * Lambda, Deno and Workers entries resolve from the environment alone through `resolveIngestConfig`.
 */
import { INGEST_SETTINGS } from '../../ingest/index.ts';
import type { CommandSpec } from '../args.ts';

export const SERVE_SETTINGS = INGEST_SETTINGS;

export const SERVE_COMMAND: CommandSpec<typeof SERVE_SETTINGS> = {
  name: 'serve',
  usage: 'usage: accesslake serve [--lake ./lake | s3://bucket/prefix] [--token T]… [options]',
  description: 'Runs the ingest server. Sizes take KiB/MiB/GiB (or k/m/g), durations ms, s, m, h or d.',
  settings: SERVE_SETTINGS,
};
