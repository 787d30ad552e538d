/**
 * One hour: its raw objects read in key order, every line parsed, written as one Parquet object at the
 * hour's deterministic key. Nothing is written when any raw object cannot be read: the hour is reported
 * as skipped with the object and reason, and stays served from the raw tier.
 */

import {
  type CompactionPrefixes,
  compactedObjectKey,
  type HourKey,
  type HourManifest,
  keysDigest,
} from '../lake-contract/index.ts';
import { AccessLakeError } from '../lib/errors/index.ts';
import type { GzipCodec } from '../lib/gzip/index.ts';
import type { ObjectStorage } from '../storage/index.ts';
import { ParquetHourWriter } from './parquet.ts';

/** A raw object of an hour could not be compacted: names the object and, for a bad line, its number. */
export class RawObjectError extends AccessLakeError {}

/** The cap on one raw object's decompressed size (an ingest batch is far smaller). */
const MAX_RAW_OBJECT_BYTES = 512 * 1024 * 1024;
/** Raw objects fetched at once: S3 GETs are latency-bound, a folder does not mind. */
const READ_CONCURRENCY = 16;

export interface CompactHourOptions {
  storage: ObjectStorage;
  gzip: GzipCodec;
  prefixes: CompactionPrefixes;
  /** Read and count, write nothing. */
  dryRun: boolean;
  /** Called right before the Parquet object is written; throws to stop (the lease's freshness check). */
  beforeWrite?: () => void;
}

/** Compacts `keys` (the hour's raw objects, a listing snapshot) into the hour's Parquet object. */
export async function compactHour(
  hour: HourKey,
  keys: readonly string[],
  o: CompactHourOptions,
): Promise<HourManifest> {
  const sorted = [...keys].sort();
  const writer = new ParquetHourWriter();
  let bytesIn = 0;
  await forEachInOrder(
    sorted,
    READ_CONCURRENCY,
    (key) => o.storage.get(key),
    async (key, body) => {
      if (body === undefined) throw new RawObjectError(`${key}: listed but gone when read`);
      bytesIn += body.byteLength;
      let text: string;
      try {
        text = new TextDecoder().decode(await o.gzip.gunzip(body, MAX_RAW_OBJECT_BYTES));
      } catch (error) {
        throw new RawObjectError(`${key}: ${(error as Error).message}`, { cause: error });
      }
      let lineNo = 0;
      for (const line of text.split('\n')) {
        lineNo++;
        if (line === '') continue;
        try {
          writer.add(JSON.parse(line) as Record<string, unknown>);
        } catch (error) {
          throw new RawObjectError(`${key} line ${lineNo}: ${(error as Error).message}`, { cause: error });
        }
      }
    },
  );
  const digest = await keysDigest(sorted);
  const parquet = writer.finish({
    'accesslake.hour': hour,
    'accesslake.raw_objects': String(sorted.length),
    'accesslake.raw_keys_sha256': digest,
  });
  if (!o.dryRun) {
    o.beforeWrite?.();
    await o.storage.put(compactedObjectKey(o.prefixes, hour), parquet, {
      contentType: 'application/vnd.apache.parquet',
    });
  }
  return { objects: sorted.length, digest, rows: writer.rowCount, bytesIn, bytesOut: parquet.byteLength };
}

/** Fetches up to `limit` items at once and hands them to `use` strictly in order. */
async function forEachInOrder<T, R>(
  items: readonly T[],
  limit: number,
  fetch: (item: T) => Promise<R>,
  use: (item: T, value: R) => Promise<void>,
): Promise<void> {
  const pending: Promise<R>[] = [];
  let next = 0;
  const fill = () => {
    while (next < items.length && pending.length < limit) {
      const value = fetch(items[next++]!);
      // Awaited below in order; this only keeps an early failure from being reported as unhandled.
      value.catch(() => {});
      pending.push(value);
    }
  };
  fill();
  for (let i = 0; i < items.length; i++) {
    const value = await pending.shift()!;
    fill();
    await use(items[i]!, value);
  }
}
