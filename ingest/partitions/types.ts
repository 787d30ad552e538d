import type { HourPartition } from '../../lake-contract/index.ts';

/**
 * Makes freshly written hour partitions visible to the query engine (Glue BatchCreatePartition, or a
 * debounced crawler run) without waiting for the next scheduled crawl. The ingest calls it after every
 * stored batch; implementations remember what they registered. A failure is logged and counted, and
 * never fails the batch.
 */
export interface PartitionRegistrar {
  register(partitions: readonly HourPartition[]): Promise<void>;
}
