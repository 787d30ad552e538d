/**
 * The partition registrar an entry point asked for with ACCESSLAKE_REGISTER_PARTITIONS (`glue` or
 * `off`), built the way `accesslake serve` builds it. The Glue SDK is loaded only when asked for.
 */
import type { IngestConfig, PartitionRegistrar } from '../../ingest/index.ts';

export async function createConfiguredRegistrar(
  config: IngestConfig,
  /** Runtimes without an AWS credential chain (Workers) pass the keys. */
  credentials?: { accessKeyId: string; secretAccessKey: string },
): Promise<PartitionRegistrar | undefined> {
  if (config.registerPartitions !== 'glue') return undefined;
  const { createGlueRegistrar } = await import('../../ingest/glue.ts');
  const region = config.s3Region ?? 'us-east-1';
  const client = credentials
    ? new (await import('@aws-sdk/client-glue')).GlueClient({
        region,
        credentials,
        ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}),
      })
    : undefined;
  return createGlueRegistrar({
    database: config.glueDatabase,
    table: config.glueTable,
    crawler: config.glueCrawler,
    ...(client ? { client } : {}),
    ...(config.s3Region ? { region: config.s3Region } : {}),
    ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}),
  });
}
