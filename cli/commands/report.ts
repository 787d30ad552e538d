import { formatBytes } from '../../lib/bytes/index.ts';
import { createLogger } from '../../lib/log/index.ts';
import { createDuckDbEngine } from '../../query/duckdb.ts';
import { checkLocalLake } from '../../query/index.ts';
import { headline, resolveReportConfig, runReportFromConfig } from '../../reports/index.ts';
import { type CommandRunner, parseCommand } from '../args.ts';
import { REPORT_COMMAND } from '../options/report.ts';

export const run: CommandRunner = async (argv, env) => {
  const parsed = parseCommand(REPORT_COMMAND, argv);
  if (parsed.help) return 0;
  const values = parsed.flags;
  const config = resolveReportConfig(values, env);
  for (const note of config.notes) console.error(`accesslake report: ${note}`);
  if (config.engine === 'duckdb') await checkLocalLake(config.lake, config.lakeSetting ?? 'the default');
  const logger = createLogger({ level: 'warn', fields: { component: 'report' } });
  const outcome = await runReportFromConfig(config, {
    logger,
    openDuckDb: (lake) => createDuckDbEngine({ lake }),
  });

  console.log(
    `${outcome.report.period.kind} report ${outcome.report.period.label}: ${headline(outcome.report)}`,
  );
  for (const url of outcome.links.parquet) console.log(`  parquet  ${url}`);
  console.log(`  csv.gz   ${outcome.links.csv}`);
  console.log(`  summary  ${outcome.keys.markdown} (and summary.html) under ${config.out}`);
  if (outcome.email) console.log(`  mailed to ${outcome.email.accepted.join(', ')}`);
  if (outcome.bytesScanned !== undefined) {
    console.error(
      `scanned ${formatBytes(outcome.bytesScanned)}, cost $${(outcome.costUsd ?? 0).toFixed(6)} at $5/TB`,
    );
  }
  return 0;
};
