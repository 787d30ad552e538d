import { createLogger, type Logger } from '../lib/log/index.ts';
import { type CreateStorageOptions, createStorage } from '../storage/index.ts';
import { createIngestApp, type IngestApp } from './app.ts';
import type { IngestConfig } from './config.ts';
import type { PartitionRegistrar } from './partitions/types.ts';

export interface IngestDependencies {
  logger?: Logger;
  partitionRegistrar?: PartitionRegistrar;
  /** Passed to the S3 driver (a reused client on Lambda, test clients). */
  s3?: CreateStorageOptions['s3'];
}

/** Builds the app from resolved configuration: what every entry point does after reading its settings. */
export async function createIngestFromConfig(
  config: IngestConfig,
  deps: IngestDependencies = {},
): Promise<IngestApp> {
  const logger = deps.logger ?? createLogger({ level: config.logLevel, fields: { component: 'ingest' } });
  const storage = await createStorage(config.storage, {
    s3: {
      ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}),
      ...(config.s3Region ? { region: config.s3Region } : {}),
      ...deps.s3,
    },
  });
  return createIngestApp({
    tokens: config.tokens,
    storage,
    limits: {
      maxBodyBytes: config.maxBodyBytes,
      maxDecompressedBytes: config.maxDecompressedBytes,
      maxLines: config.maxLines,
      maxHours: config.maxHours,
    },
    maxConcurrentBatches: config.maxConcurrentBatches,
    maxDecompressedInFlight: config.maxDecompressedInFlight,
    bodyTimeoutMs: config.bodyTimeoutMs,
    logger,
    ...(deps.partitionRegistrar ? { partitionRegistrar: deps.partitionRegistrar } : {}),
  });
}
