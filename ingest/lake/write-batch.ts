import type { GzipCodec } from '../../lib/gzip/index.ts';
import type { ObjectStorage } from '../storage/index.ts';
import type { HourlyJsonLines } from './hourly-json-lines.ts';
import { dataObjectKey, type HourPartition, hourOf, type LakePrefixes, rejectsObjectKey } from './layout.ts';

/** A line that could not become a record, kept with its reason. */
export interface RejectedLine {
  /** 1-based line number within the batch. */
  line_no: number;
  reason: string;
  line: string;
}

export interface BatchToWrite {
  batchId: string;
  source: string;
  format: string;
  accepted: HourlyJsonLines;
  rejected: RejectedLine[];
}

export interface WrittenBatch {
  /** Storage keys written, data objects first. */
  objects: string[];
  /** The hour partitions the data objects landed in. */
  partitions: HourPartition[];
  bytesWritten: number;
}

export interface WriteBatchOptions {
  storage: ObjectStorage;
  gzip: GzipCodec;
  prefixes: LakePrefixes;
  gzipLevel?: number;
}

/**
 * Writes one batch: a gzipped JSONL object per UTC event hour, then the rejects object. Nothing is
 * acknowledged until every object is stored; a failure part-way leaves objects that the retry of the
 * same batch overwrites with identical keys.
 */
export async function writeBatch(batch: BatchToWrite, options: WriteBatchOptions): Promise<WrittenBatch> {
  const objects: string[] = [];
  const partitions: HourPartition[] = [];
  let bytesWritten = 0;

  let n = 0;
  for (const { firstTs, jsonLines } of batch.accepted.byHour()) {
    const key = dataObjectKey(options.prefixes, firstTs, batch.batchId, n++);
    const body = await options.gzip.gzip(jsonLines, options.gzipLevel);
    await options.storage.put(key, body, { contentType: 'application/gzip' });
    objects.push(key);
    partitions.push(hourOf(firstTs));
    bytesWritten += body.byteLength;
  }

  if (batch.rejected.length > 0) {
    const receivedAt = new Date().toISOString();
    const lines = batch.rejected.map((r) =>
      JSON.stringify({ batch_id: batch.batchId, source: batch.source, format: batch.format, received_at: receivedAt, ...r }),
    );
    const key = rejectsObjectKey(options.prefixes, batch.batchId);
    const body = await options.gzip.gzip(`${lines.join('\n')}\n`, options.gzipLevel);
    await options.storage.put(key, body, { contentType: 'application/gzip' });
    objects.push(key);
    bytesWritten += body.byteLength;
  }

  return { objects, partitions, bytesWritten };
}
