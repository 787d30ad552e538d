import { AccessLakeError } from '../lib/errors/index.ts';

/**
 * The object store behind the lake: S3, a local folder, or memory. Keys are `/`-separated and relative to
 * the storage root (the bucket prefix or the folder). Every driver passes test/storage-contract.ts.
 */
export interface ObjectStorage {
  /** Where objects go, for logs and the CLI: `s3://bucket/prefix`, `file:///abs/lake`, `memory://`. */
  readonly url: string;
  /** Writes the whole object atomically: a reader sees the old object or the new one, never a part. */
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<void>;
  /**
   * Creates the object only if no object has the key: `true` when this call created it, `false` when one
   * already existed (left as it was). Of concurrent calls for one key, exactly one returns `true`.
   * S3: PutObject with `If-None-Match: *` (S3 User Guide "Conditional writes"); folder: link(2) of a
   * complete temporary file, which fails with EEXIST.
   */
  putIfAbsent(key: string, body: Uint8Array, options?: PutOptions): Promise<boolean>;
  /** The object's bytes, or `undefined` when there is no such key. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Every key under `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
}

export interface PutOptions {
  contentType?: string;
  contentEncoding?: string;
  /**
   * Default true: the object survives a power loss once the call returns (the folder driver fsyncs it).
   * false skips that for small bookkeeping objects whose loss or truncation the caller tolerates (batch
   * claims): on a local disk under load each fsync costs milliseconds per batch. S3 is always durable.
   */
  durable?: boolean;
}

/**
 * A storage operation failed. `throttled` means back off and retry (S3 SlowDown, 503). `refusedKey` means
 * storage is healthy but refused this key (a file name over NAME_MAX: ENAMETOOLONG; S3 KeyTooLongError):
 * the request, not storage, is at fault, so it must not mark the ingest unready, and a retry fails again.
 */
export class StorageError extends AccessLakeError {
  readonly throttled: boolean;
  readonly refusedKey: boolean;
  constructor(message: string, options: { cause?: unknown; throttled?: boolean; refusedKey?: boolean } = {}) {
    super(message, options);
    this.throttled = options.throttled ?? false;
    this.refusedKey = options.refusedKey ?? false;
  }
}

/** A key that would escape the storage root or is otherwise unusable (`..`, absolute, empty segments). */
export class InvalidKeyError extends AccessLakeError {}

const SAFE_SEGMENT = /^[A-Za-z0-9._=-]+$/;

/** Rejects keys that are not plain relative paths of safe segments; every driver calls this first. */
export function assertSafeKey(key: string): void {
  const segments = key.split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..' || !SAFE_SEGMENT.test(segment)) {
      throw new InvalidKeyError(
        `unsafe storage key ${JSON.stringify(key)}: segment ${JSON.stringify(segment)}`,
      );
    }
  }
}

/** Like {@link assertSafeKey} for list prefixes, which may be empty or end in `/`. */
export function assertSafePrefix(prefix: string): void {
  if (prefix === '') return;
  assertSafeKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}
