import type { GzipCodec } from '../../lib/gzip/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import type { ObjectStorage } from '../../storage/index.ts';
import { type BatchClaim, claimBatch, markStored, readClaim } from './batch-claim.ts';
import type { HourlyJsonLines } from './hourly-json-lines.ts';
import {
  batchClaimKey,
  dataObjectKey,
  type HourPartition,
  hourOf,
  type LakePrefixes,
  rejectsObjectKey,
} from '../../lake-contract/index.ts';
import { type RejectedLine, RejectsJsonLines } from './rejects-json-lines.ts';

export type { RejectedLine } from './rejects-json-lines.ts';

export interface BatchToWrite {
  batchId: string;
  source: string;
  format: string;
  /** `sha256:<hex>` of what the batch's objects are made of (decompressed body and format). */
  digest: string;
  accepted: HourlyJsonLines;
  /**
   * The rejects, written as they came ({@link RejectsJsonLines}), or as objects (tools and tests: they
   * are written the same way here).
   */
  rejected: RejectsJsonLines | RejectedLine[];
}

export interface WrittenBatch {
  /** Storage keys of the batch, data objects first. */
  objects: string[];
  accepted: number;
  rejected: number;
  /** The hour partitions the data objects landed in. */
  partitions: HourPartition[];
  bytesWritten: number;
  /** True when the same content was stored before under this key: nothing was written, the first answer stands. */
  replayed: boolean;
}

export interface WriteBatchOptions {
  storage: ObjectStorage;
  gzip: GzipCodec;
  prefixes: LakePrefixes;
  gzipLevel?: number;
  logger?: Logger;
}

interface PlannedObject {
  key: string;
  body: Uint8Array;
}

/**
 * Writes one batch: a gzipped JSONL object per UTC event hour and the rejects object, then marks its
 * claim stored. The order is what keeps a failure from leaving data in the lake as if accepted:
 * 1. every key is built and every object compressed before anything is written, so a batch that cannot
 *    be keyed writes nothing;
 * 2. the claim (lake/batch-claim.ts) is created or checked: different content under the key → 409
 *    before any write, same content already stored → the first answer, no write;
 * 3. rejects first (outside the crawled prefix), then the data objects, then the claim is marked stored;
 * 4. when a write fails, the data objects this attempt wrote are deleted again (best effort, unless the
 *    claim shows the batch stored by another attempt meanwhile), so a batch that was not acknowledged
 *    leaves no rows for queries; the retry of the same batch writes them under the same keys.
 */
export async function writeBatch(batch: BatchToWrite, options: WriteBatchOptions): Promise<WrittenBatch> {
  const { storage, prefixes } = options;
  const data: PlannedObject[] = [];
  const partitions: HourPartition[] = [];
  let n = 0;
  for (const { firstTs, jsonLines } of batch.accepted.byHour()) {
    const key = dataObjectKey(prefixes, firstTs, batch.source, batch.batchId, n++);
    data.push({ key, body: await options.gzip.gzip(jsonLines, options.gzipLevel) });
    partitions.push(hourOf(firstTs));
  }
  const rejected = Array.isArray(batch.rejected) ? rejectsOf(batch, batch.rejected, options) : batch.rejected;
  let rejects: PlannedObject | undefined;
  if (rejected.count > 0) {
    rejects = { key: rejectsObjectKey(prefixes, batch.source, batch.batchId), body: await rejected.gzipped() };
  }
  const answer = {
    accepted: batch.accepted.count,
    rejected: rejected.count,
    objects: [...data.map((o) => o.key), ...(rejects ? [rejects.key] : [])],
  };

  const claimKey = batchClaimKey(prefixes, batch.source, batch.batchId);
  const claim: BatchClaim = {
    batch_id: batch.batchId,
    source: batch.source,
    format: batch.format,
    digest: batch.digest,
    claimed_at: new Date().toISOString(),
  };
  const existing = await claimBatch(storage, claimKey, claim);
  if (existing?.stored) {
    const { accepted, rejected, objects } = existing.stored;
    return { accepted, rejected, objects, partitions, bytesWritten: 0, replayed: true };
  }

  let bytesWritten = 0;
  const writtenData: string[] = [];
  try {
    if (rejects) {
      await storage.put(rejects.key, rejects.body, { contentType: 'application/gzip' });
      bytesWritten += rejects.body.byteLength;
    }
    for (const object of data) {
      await storage.put(object.key, object.body, { contentType: 'application/gzip' });
      writtenData.push(object.key);
      bytesWritten += object.body.byteLength;
    }
    await markStored(storage, claimKey, existing ?? claim, answer);
  } catch (error) {
    await removeUnacknowledged(storage, claimKey, writtenData, options.logger);
    throw error;
  }
  return { ...answer, partitions, bytesWritten, replayed: false };
}

function rejectsOf(batch: BatchToWrite, lines: RejectedLine[], options: WriteBatchOptions): RejectsJsonLines {
  const rejects = new RejectsJsonLines(
    { batch_id: batch.batchId, source: batch.source, format: batch.format, received_at: new Date().toISOString() },
    options.gzip,
  );
  for (const r of lines) rejects.reject(r.line_no, r.reason, r.line, r.line_b64);
  return rejects;
}

async function removeUnacknowledged(
  storage: ObjectStorage,
  claimKey: string,
  keys: string[],
  logger: Logger | undefined,
): Promise<void> {
  if (keys.length === 0) return;
  try {
    if ((await readClaim(storage, claimKey))?.stored) return;
    for (const key of keys) await storage.delete(key);
  } catch (error) {
    // Storage is failing: the objects stay until the retry of this batch overwrites them.
    logger?.warn('could not remove the objects of a failed batch; its retry overwrites them', {
      error,
      objects: keys,
    });
  }
}
