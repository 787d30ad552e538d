/**
 * Builds the ingest app for AWS Lambda from the function's environment, once per container (the cold
 * start). Same variables as `accesslake serve` (ACCESSLAKE_LAKE, ACCESSLAKE_TOKENS, …), plus
 * ACCESSLAKE_TOKENS_SECRET: a Secrets Manager ARN or name holding the tokens, read here and never again.
 * Logs are JSON lines written straight to stdout, one CloudWatch event each (no console prefix).
 */

import type { IngestApp } from '../../ingest/index.ts';
import {
  createIngestFromConfig,
  INGEST_SETTINGS,
  type IngestDependencies,
  resolveIngestConfig,
} from '../../ingest/index.ts';
import { AWS_REGION_SETTING } from '../../lib/config/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { createLogger } from '../../lib/log/index.ts';
import { defineSettings, resolveSettings } from '../../lib/settings/index.ts';
import { createConfiguredRegistrar } from '../shared/partition-registrar.ts';
import { type ReadTokenSecretOptions, readTokensFromSecret } from './token-secret.ts';

export type Env = Record<string, string | undefined>;

/** What the Lambda reads beyond the ingest's own settings: where the tokens are kept instead. */
const LAMBDA_SETTINGS = defineSettings({
  'tokens-secret': {
    env: ['ACCESSLAKE_TOKENS_SECRET'],
    value: 'ARN',
    help: 'a Secrets Manager secret (ARN or name) holding the tokens, comma- or newline-separated',
  },
  token: INGEST_SETTINGS.token,
  region: AWS_REGION_SETTING,
});

export interface LambdaIngestDependencies extends IngestDependencies {
  /** Secrets Manager access, for tests; in Lambda the default client uses the function's role. */
  secrets?: ReadTokenSecretOptions;
  /** Where JSON log lines go. Default: stdout. */
  logSink?: (line: string) => void;
}

export async function createLambdaIngest(env: Env, deps: LambdaIngestDependencies = {}): Promise<IngestApp> {
  const { values } = resolveSettings(LAMBDA_SETTINGS, {}, env);
  const secretId = values['tokens-secret'];
  if (secretId && values.token.length > 0) {
    throw new ConfigError('set ACCESSLAKE_TOKENS or ACCESSLAKE_TOKENS_SECRET, not both');
  }
  const tokens = secretId
    ? await readTokensFromSecret(secretId, { region: values.region, ...deps.secrets })
    : undefined;
  const config = resolveIngestConfig(tokens ? { token: tokens } : {}, env);
  const logger =
    deps.logger ??
    createLogger({
      level: config.logLevel,
      sink: deps.logSink ?? ((line) => process.stdout.write(`${line}\n`)),
      fields: { component: 'ingest', function: env.AWS_LAMBDA_FUNCTION_NAME ?? 'local' },
    });
  // Old names still work (ACCESSLAKE_STORAGE); say so once per container, as `accesslake serve` does.
  for (const note of config.notes) logger.warn(note);
  // Fresh hours become queryable before the next crawl (ACCESSLAKE_REGISTER_PARTITIONS=glue); the Glue
  // client is created once here, with the rest of the container's state.
  const partitionRegistrar = deps.partitionRegistrar ?? (await createConfiguredRegistrar(config));
  const app = await createIngestFromConfig(config, {
    ...deps,
    logger,
    ...(partitionRegistrar ? { partitionRegistrar } : {}),
  });
  logger.info('ingest ready', {
    storage: config.storage,
    tokens: config.tokens.length,
    registerPartitions: config.registerPartitions,
  });
  return app;
}
