import { createIngestFromConfig, resolveIngestConfig } from '../../ingest/index.ts';
import { startNodeServer } from '../../ingest/node.ts';
import { createLogger } from '../../lib/log/index.ts';
import { resolveSettings } from '../../lib/settings/index.ts';
import { type CommandRunner, parseCommand } from '../args.ts';
import { SERVE_COMMAND, SERVE_SETTINGS } from '../options/serve.ts';

export const run: CommandRunner = async (argv, env) => {
  const parsed = parseCommand(SERVE_COMMAND, argv);
  if (parsed.help) return 0;
  const values = parsed.flags;
  const config = resolveIngestConfig(values, env);
  // The rest of the table is resolved by resolveIngestConfig, which the other runtimes share.
  const { host, port } = resolveSettings(
    { host: SERVE_SETTINGS.host, port: SERVE_SETTINGS.port },
    values,
    env,
  ).values;
  const logger = createLogger({ level: config.logLevel, fields: { component: 'ingest' } });
  for (const note of config.notes) logger.warn(note);

  // Loaded only when asked for, so a local lake never loads the Glue SDK.
  const partitionRegistrar =
    config.registerPartitions === 'glue'
      ? (await import('../../ingest/glue.ts')).createGlueRegistrar({
          database: config.glueDatabase,
          table: config.glueTable,
          crawler: config.glueCrawler,
          ...(config.s3Region ? { region: config.s3Region } : {}),
          ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}),
        })
      : undefined;
  const app = await createIngestFromConfig(config, {
    logger,
    ...(partitionRegistrar ? { partitionRegistrar } : {}),
  });
  const server = await startNodeServer(app.fetch, {
    host,
    port,
    headerTimeoutMs: config.headerTimeoutMs,
    bodyTimeoutMs: config.bodyTimeoutMs,
  });
  logger.info('ingest listening', { url: server.url, lake: config.storage, tokens: config.tokens.length });
  logger.debug('ingest settings', {
    maxBodyBytes: config.maxBodyBytes,
    maxDecompressedBytes: config.maxDecompressedBytes,
    maxLines: config.maxLines,
    maxHours: config.maxHours,
    maxConcurrentBatches: config.maxConcurrentBatches,
    headerTimeoutMs: config.headerTimeoutMs,
    bodyTimeoutMs: config.bodyTimeoutMs,
    registerPartitions: config.registerPartitions,
  });

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info('ingest stopping', { signal });
      server.close().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
};
