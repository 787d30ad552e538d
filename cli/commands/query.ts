import { formatBytes } from '../../lib/bytes/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { createDuckDbEngine } from '../../query/duckdb.ts';
import {
  checkLocalLake,
  createAthenaEngine,
  formatResult,
  hourKey,
  isNamedQuery,
  NAMED_QUERIES,
  parseTimeRange,
  type QueryEngine,
  renderNamedQuery,
  renderTemplate,
} from '../../query/index.ts';
import { type CommandRunner, readCommand } from '../args.ts';
import { QUERY_COMMAND } from '../options/query.ts';

export const run: CommandRunner = async (argv, env) => {
  const read = readCommand(QUERY_COMMAND, argv, env);
  if (!read) return 0;
  const { values, sources, positionals } = read;
  if (values.list) {
    console.log(NAMED_QUERIES.join('\n'));
    return 0;
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

  if (values.engine === 'duckdb') await checkLocalLake(values.lake, sources.lake ?? 'the default');
  const engine: QueryEngine =
    values.engine === 'duckdb'
      ? await createDuckDbEngine({ lake: values.lake })
      : createAthenaEngine({
          workgroup: values.workgroup,
          database: values.database,
          region: values.region,
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
    process.stdout.write(formatResult(result, values.output));
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
