import { createIngestFromConfig, resolveIngestConfig } from '../../ingest/index.ts';
import { startNodeServer } from '../../ingest/node.ts';
import { createLogger } from '../../lib/log/index.ts';
import { parseInteger } from '../../lib/units/index.ts';
import { parseFlags } from '../args.ts';
import type { CommandRunner } from '../main.ts';

const HELP = `usage: accesslake serve [--host 127.0.0.1] [--port 8080] [--lake ./lake | file:///… | s3://bucket/prefix]
                        [--token T]… [--s3-endpoint URL] [--s3-region R] [--max-body-bytes 16MiB]
                        [--max-decompressed-bytes 128MiB] [--max-concurrent-batches 8]
                        [--max-decompressed-in-flight 256MiB] [--body-timeout 30s] [--header-timeout 10s]
                        [--log-level info]
                        [--register-partitions glue|off] [--glue-database D] [--glue-table T] [--glue-crawler C]

Runs the ingest server. Tokens must be 8 characters or more (e.g. openssl rand -hex 16). --log-level
debug also logs every stored batch and every refused request. Every flag has an environment variable:
ACCESSLAKE_HOST, ACCESSLAKE_PORT, ACCESSLAKE_LAKE, ACCESSLAKE_TOKENS (comma-separated),
ACCESSLAKE_S3_ENDPOINT, ACCESSLAKE_S3_REGION,
ACCESSLAKE_MAX_BODY_BYTES, ACCESSLAKE_MAX_DECOMPRESSED_BYTES, ACCESSLAKE_MAX_CONCURRENT_BATCHES,
ACCESSLAKE_MAX_DECOMPRESSED_IN_FLIGHT, ACCESSLAKE_BODY_TIMEOUT, ACCESSLAKE_HEADER_TIMEOUT, ACCESSLAKE_LOG_LEVEL,
ACCESSLAKE_REGISTER_PARTITIONS, ACCESSLAKE_GLUE_DATABASE, ACCESSLAKE_GLUE_TABLE, ACCESSLAKE_GLUE_CRAWLER.
--storage / ACCESSLAKE_STORAGE, the old names of --lake, still work.`;

export const run: CommandRunner = async (argv, env) => {
  const { values } = parseFlags(argv, {
    host: { type: 'string' },
    port: { type: 'string' },
    lake: { type: 'string' },
    storage: { type: 'string' },
    token: { type: 'string', multiple: true },
    's3-endpoint': { type: 'string' },
    's3-region': { type: 'string' },
    'max-body-bytes': { type: 'string' },
    'max-decompressed-bytes': { type: 'string' },
    'max-concurrent-batches': { type: 'string' },
    'max-decompressed-in-flight': { type: 'string' },
    'body-timeout': { type: 'string' },
    'header-timeout': { type: 'string' },
    'log-level': { type: 'string' },
    'register-partitions': { type: 'string' },
    'glue-database': { type: 'string' },
    'glue-table': { type: 'string' },
    'glue-crawler': { type: 'string' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const config = resolveIngestConfig(values, env);
  const host = values.host ?? env.ACCESSLAKE_HOST ?? '127.0.0.1';
  const port = parseInteger(
    values.port ?? env.ACCESSLAKE_PORT ?? '8080',
    values.port !== undefined ? '--port' : 'ACCESSLAKE_PORT',
    0,
    65535,
  );
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
