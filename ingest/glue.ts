/**
 * The ingest's Glue entry: `createGlueRegistrar(options)` is the `PartitionRegistrar` that adds each new
 * hour partition to the Glue table right after its batch is stored (BatchCreatePartition; failures never
 * fail a batch). Kept out of index.ts so bundles without Glue never load the AWS SDK client; runtimes
 * import it lazily.
 */
export { createGlueRegistrar, type GlueRegistrarOptions } from './partitions/glue-registrar.ts';
