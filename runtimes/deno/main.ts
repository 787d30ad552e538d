/**
 * Deno entry for ingest: `deno run --allow-net --allow-env --allow-read --allow-write runtimes/deno/main.ts`.
 * Configuration is read once from `Deno.env` with the same names as `accesslake serve`
 * (ACCESSLAKE_LAKE, ACCESSLAKE_TOKENS, ACCESSLAKE_HOST, ACCESSLAKE_PORT, …). `--allow-read/--allow-write`
 * are only needed for file storage; S3 needs `--allow-net` and the AWS_* credentials in the environment.
 */
import { createIngestFromConfig, INGEST_SETTINGS, resolveIngestConfig } from '../../ingest/index.ts';
import { createLogger } from '../../lib/log/index.ts';
import { resolveSettings } from '../../lib/settings/index.ts';
import { createConfiguredRegistrar } from '../shared/partition-registrar.ts';

const env = Deno.env.toObject();
const config = resolveIngestConfig({}, env);
// The listening address, as `accesslake serve` reads it (the rest is resolveIngestConfig's).
const { host: hostname, port } = resolveSettings(
  { host: INGEST_SETTINGS.host, port: INGEST_SETTINGS.port },
  {},
  env,
).values;
const logger = createLogger({ level: config.logLevel, fields: { component: 'ingest', runtime: 'deno' } });
// Old names still work (ACCESSLAKE_STORAGE); say so once at start, as `accesslake serve` does.
for (const note of config.notes) logger.warn(note);
const partitionRegistrar = await createConfiguredRegistrar(config);
const app = await createIngestFromConfig(config, {
  logger,
  ...(partitionRegistrar ? { partitionRegistrar } : {}),
});

const server = Deno.serve(
  {
    hostname,
    port,
    onListen: (addr) => {
      const host = addr.hostname.includes(':') ? `[${addr.hostname}]` : addr.hostname;
      logger.info('ingest listening', { url: `http://${host}:${addr.port}`, storage: config.storage });
    },
  },
  app.fetch,
);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  Deno.addSignalListener(signal, () => {
    logger.info('ingest stopping', { signal });
    void server.shutdown();
  });
}
