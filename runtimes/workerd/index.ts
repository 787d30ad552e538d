/**
 * Cloudflare Workers (workerd) entry for ingest. Configuration comes from the Worker's bindings, with
 * the same names as `accesslake serve`'s environment (ACCESSLAKE_LAKE, ACCESSLAKE_TOKENS, …; set the
 * tokens and AWS keys as secrets). Bindings reach a Worker only with a request, so the app is built on
 * the first request and reused by every later one in the isolate: configuration is still read once.
 * Storage is S3 (`s3://bucket/prefix`, with ACCESSLAKE_S3_ENDPOINT for R2 or another S3-compatible
 * store): a Worker has no file system.
 */
import type { IngestApp } from '../../ingest/index.ts';
import { createIngestFromConfig, resolveIngestConfig } from '../../ingest/index.ts';
import { describeError } from '../../lib/errors/index.ts';
import { createLogger } from '../../lib/log/index.ts';
import { createConfiguredRegistrar } from '../shared/partition-registrar.ts';

/** The Worker's bindings: plain-text vars and secrets. */
export type WorkerEnv = Record<string, unknown>;

let app: Promise<IngestApp> | undefined;

export default {
  async fetch(request: Request, env: WorkerEnv): Promise<Response> {
    app ??= buildApp(env);
    try {
      return (await app).fetch(request);
    } catch (error) {
      // A bad binding: answer every request with the reason instead of an opaque 500 page.
      return Response.json({ error: `ingest is misconfigured: ${describeError(error)}` }, { status: 500 });
    }
  },
};

async function buildApp(bindings: WorkerEnv): Promise<IngestApp> {
  const env: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(bindings)) if (typeof value === 'string') env[name] = value;
  const config = resolveIngestConfig({}, env);
  const logger = createLogger({
    level: config.logLevel,
    fields: { component: 'ingest', runtime: 'workerd' },
  });
  // Old names still work (ACCESSLAKE_STORAGE); say so once per isolate, as `accesslake serve` does.
  for (const note of config.notes) logger.warn(note);
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  // A Worker has no AWS credential chain (no files, no instance metadata): the keys are bindings.
  const credentials = accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
  const partitionRegistrar = await createConfiguredRegistrar(config, credentials);
  return createIngestFromConfig(config, {
    logger,
    ...(credentials ? { s3: { clientConfig: { credentials } } } : {}),
    ...(partitionRegistrar ? { partitionRegistrar } : {}),
  });
}
