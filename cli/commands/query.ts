import { ConfigError } from '../../lib/errors/index.ts';
import { formatResult, OUTPUT_FORMATS, type OutputFormat } from '../../query/format.ts';
import {
  createAthenaEngine,
  createDuckDbEngine,
  formatBytes,
  hourKey,
  isNamedQuery,
  NAMED_QUERIES,
  type QueryEngine,
  renderNamedQuery,
  renderTemplate,
} from '../../query/index.ts';
import { parseTimeRange } from '../../query/time-range.ts';
import { parseFlags } from '../args.ts';
import type { CommandRunner } from '../main.ts';

const HELP = `usage: accesslake query [--engine duckdb|athena] [--lake ./lake]
                        (--named NAME [--from ISO|6h] [--to ISO] | "SQL") [--output table|csv|json]
       accesslake query --list

Runs SQL over the lake: DuckDB over the local folder (default), or Athena over S3.
  --named NAME     one of: ${NAMED_QUERIES.join(', ')}
  --from, --to     the range [from, to): ISO-8601 (UTC when no zone), or --from as a duration before
                   --to (30m, 6h, 7d). Default: the last hour. Also fills {{from_ts}}, {{to_ts}},
                   {{from_hour}}, {{to_hour}} in your own SQL.
  --output         table (default), csv, or json (an array of row objects)
  --lake DIR       DuckDB: the lake folder (env ACCESSLAKE_LAKE, default ./lake)
Athena: --workgroup (env ACCESSLAKE_ATHENA_WORKGROUP, default accesslake), --database (env
  ACCESSLAKE_GLUE_DATABASE, default accesslake), --region (env AWS_REGION), --endpoint URL.
What the query read goes to stderr: DuckDB, the objects and bytes it read from the lake; Athena, the
bytes scanned and their cost ($5/TB).`;

export const run: CommandRunner = async (argv, env) => {
  const { values, positionals } = parseFlags(
    argv,
    {
      engine: { type: 'string' },
      lake: { type: 'string' },
      named: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      output: { type: 'string' },
      list: { type: 'boolean' },
      workgroup: { type: 'string' },
      database: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
    },
    true,
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.list) {
    console.log(NAMED_QUERIES.join('\n'));
    return 0;
  }

  const output = (values.output ?? 'table') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(output)) {
    throw new ConfigError(`--output: ${JSON.stringify(values.output)} is not table, csv or json`);
  }
  const engineName = values.engine ?? 'duckdb';
  if (engineName !== 'duckdb' && engineName !== 'athena') {
    throw new ConfigError(`--engine: ${JSON.stringify(engineName)} is not duckdb or athena`);
  }
  if (values.named !== undefined && positionals.length > 0) {
    throw new ConfigError('give either --named NAME or "SQL", not both');
  }
  if (values.named === undefined && positionals.length !== 1) {
    throw new ConfigError('give --named NAME or one SQL string in quotes (see accesslake query --help)');
  }
  if (values.named !== undefined && !isNamedQuery(values.named)) {
    throw new ConfigError(
      `--named: no query ${JSON.stringify(values.named)}; the names are: ${NAMED_QUERIES.join(', ')}`,
    );
  }

  const range = parseTimeRange(values.from, values.to);
  const sql =
    values.named !== undefined && isNamedQuery(values.named)
      ? await renderNamedQuery(values.named, range)
      : positionals[0]!.includes('{{')
        ? renderTemplate(positionals[0]!, range)
        : positionals[0]!;

  const engine: QueryEngine =
    engineName === 'duckdb'
      ? await createDuckDbEngine({ lake: values.lake ?? env.ACCESSLAKE_LAKE ?? './lake' })
      : createAthenaEngine({
          workgroup: values.workgroup ?? env.ACCESSLAKE_ATHENA_WORKGROUP ?? 'accesslake',
          database: values.database ?? env.ACCESSLAKE_GLUE_DATABASE ?? 'accesslake',
          region: values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
          ...(values.endpoint ? { endpoint: values.endpoint } : {}),
        });
  try {
    // A named query keeps to its hours (its partition predicate): DuckDB then lists only their files.
    const result = await engine.query(
      sql,
      values.named !== undefined
        ? { hours: { from: hourKey(range.from), to: hourKey(new Date(range.to.getTime() - 1)) } }
        : {},
    );
    process.stdout.write(formatResult(result, output));
    if (result.read !== undefined) {
      // stderr, so `--output csv > file` stays clean; the dashboard shows the same measure.
      console.error(
        `read ${result.read.objects} object${result.read.objects === 1 ? '' : 's'}, ${formatBytes(result.read.bytes)} from the lake`,
      );
    }
    if (result.bytesScanned !== undefined) {
      // stderr, so `--output csv > file` stays clean.
      console.error(
        `scanned ${formatBytes(result.bytesScanned)}, cost $${(result.costUsd ?? 0).toFixed(6)} at $5/TB (query ${result.queryExecutionId})`,
      );
    }
    return 0;
  } finally {
    await engine.close();
  }
};
