import type { LakePrefixes } from '../lake-contract/index.ts';
import type { GzipCodec } from '../lib/gzip/index.ts';
import type { Logger } from '../lib/log/index.ts';
import type { ObjectStorage } from '../storage/index.ts';
import type { BodyLimits } from './body/read-body.ts';
import type { PartitionRegistrar } from './partitions/types.ts';

/** Everything the ingest app needs, resolved once at the entry point and passed in. */
export interface IngestOptions {
  /** Accepted bearer tokens; several at once allow rotation. At least one. */
  tokens: readonly string[];
  storage: ObjectStorage;
  /** Default: the fastest codec the runtime offers (`loadGzipCodec()`). */
  gzip?: GzipCodec;
  /** Default `{ data: 'access_logs', rejects: 'rejects' }`. */
  prefixes?: LakePrefixes;
  /** Default 16 MiB on the wire, 128 MiB decompressed. */
  limits?: Partial<BodyLimits>;
  /** Batches processed at once before answering 503 + Retry-After. Default 8. */
  maxConcurrentBatches?: number;
  /**
   * Decompressed bytes held at once over all batches in flight (the memory budget) before answering 503 +
   * Retry-After. Default 256 MiB; at least `limits.maxDecompressedBytes`, so one batch at the cap fits.
   */
  maxDecompressedInFlight?: number;
  /**
   * Milliseconds from a request's arrival to the end of its body; later, the ingest answers 408 and frees
   * the batch slot. Default 30 000.
   */
  bodyTimeoutMs?: number;
  /** gzip level for lake objects, 1–9. Default 6: objects are written once and scanned often. */
  gzipLevel?: number;
  partitionRegistrar?: PartitionRegistrar;
  logger?: Logger;
}

export const DEFAULT_LIMITS: BodyLimits = {
  maxBodyBytes: 16 * 1024 * 1024,
  maxDecompressedBytes: 128 * 1024 * 1024,
  maxLines: 1_000_000,
  maxHours: 744,
};
export const DEFAULT_MAX_CONCURRENT_BATCHES = 8;
/**
 * Two batches at the 128 MiB cap, or many ordinary ones; ten concurrent gzip bombs then hold at most this
 * much decompressed (peak RSS in `npm run bench:bombs`).
 */
export const DEFAULT_MAX_DECOMPRESSED_IN_FLIGHT = 256 * 1024 * 1024;
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;
/** Node server only: time to receive a request's headers. */
export const DEFAULT_HEADER_TIMEOUT_MS = 10_000;
/** Seconds a client is asked to wait when ingest is overloaded or storage throttles. */
export const RETRY_AFTER_SECONDS = 1;
