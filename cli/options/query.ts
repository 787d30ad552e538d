/** `accesslake query`: its settings table (lib/settings) and help text. */
import { defineSettings, oneOf } from '../../lib/settings/index.ts';
import { NAMED_QUERIES, OUTPUT_FORMATS } from '../../query/index.ts';
import type { CommandSpec } from '../args.ts';
import { ATHENA_WORKGROUP, AWS_ENDPOINT, GLUE_DATABASE, LAKE_FOLDER_DEFAULT, REGION } from './shared.ts';

export const QUERY_SETTINGS = defineSettings({
  engine: {
    default: 'duckdb',
    value: 'E',
    help: 'duckdb (over the local lake folder) or athena (over S3)',
    parse: oneOf(['duckdb', 'athena']),
  },
  lake: { ...LAKE_FOLDER_DEFAULT, help: 'DuckDB: the lake folder' },
  named: { value: 'NAME', help: `a named query: ${NAMED_QUERIES.join(', ')}` },
  from: {
    value: 'T',
    help: 'start of the range [from, to): ISO-8601 (UTC when no zone) or a duration before --to (30m, 6h, 7d)',
    defaultNote: 'one hour before --to',
  },
  to: { value: 'T', help: 'end of the range, ISO-8601', defaultNote: 'now' },
  output: {
    default: 'table',
    value: 'F',
    help: 'table, csv (RFC 4180) or json (an array of row objects)',
    parse: oneOf(OUTPUT_FORMATS),
  },
  list: { type: 'boolean', help: 'print the named queries and exit' },
  workgroup: ATHENA_WORKGROUP,
  database: GLUE_DATABASE,
  region: REGION,
  endpoint: AWS_ENDPOINT,
});

export const QUERY_COMMAND: CommandSpec<typeof QUERY_SETTINGS> = {
  name: 'query',
  usage: `usage: accesslake query [--engine duckdb|athena] [--lake ./lake]
                        (--named NAME [--from ISO|6h] [--to ISO] | "SQL") [--output table|csv|json]
       accesslake query --list`,
  description: `Runs SQL over the lake: DuckDB over the local folder (default), or Athena over S3. --from and
--to also fill {{from_ts}}, {{to_ts}}, {{from_hour}}, {{to_hour}} in your own SQL.`,
  settings: QUERY_SETTINGS,
  positionals: true,
  epilog: `What the query read goes to stderr: DuckDB, the objects and bytes it read from the lake; Athena, the
bytes scanned and their cost ($5/TB).`,
};
