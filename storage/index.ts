/**
 * Picks a storage driver from a URL: `s3://bucket/prefix`, `file:///abs/path`, `memory://`, or a plain
 * path (a local folder). Drivers load lazily, so a Worker bundle that only uses S3 never touches `node:fs`.
 */

import { ConfigError } from '../lib/errors/index.ts';
import { isBucketName } from '../lib/s3/index.ts';
import type { S3StorageOptions } from './drivers/s3.ts';
import type { ObjectStorage } from './types.ts';

export { createMemoryStorage } from './drivers/memory.ts';
export { InvalidKeyError, type ObjectStorage, type PutOptions, StorageError } from './types.ts';

export type StorageLocation =
  | { kind: 's3'; bucket: string; prefix: string }
  | { kind: 'file'; path: string }
  | { kind: 'memory' };

/** Parses a storage URL without touching any backend. Throws ConfigError naming what is wrong. */
export function parseStorageUrl(url: string): StorageLocation {
  if (url.startsWith('s3://')) {
    const rest = url.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const prefix = slash === -1 ? '' : rest.slice(slash + 1).replace(/^\/+|\/+$/g, '');
    if (!isBucketName(bucket)) {
      throw new ConfigError(
        `storage ${JSON.stringify(url)}: ${JSON.stringify(bucket)} is not a valid S3 bucket name`,
      );
    }
    return { kind: 's3', bucket, prefix };
  }
  if (url === 'memory://' || url === 'memory') return { kind: 'memory' };
  if (url.startsWith('file://')) {
    const path = decodeURIComponent(new URL(url).pathname);
    return { kind: 'file', path };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new ConfigError(
      `storage ${JSON.stringify(url)}: unknown scheme; use s3://bucket/prefix, file:///path or a folder`,
    );
  }
  if (url.trim() === '')
    throw new ConfigError('storage: empty location; use s3://bucket/prefix, file:///path or a folder');
  return { kind: 'file', path: url };
}

export interface CreateStorageOptions {
  /** For s3:// locations: endpoint, region, client. */
  s3?: Omit<S3StorageOptions, 'bucket' | 'prefix'>;
}

export async function createStorage(url: string, options: CreateStorageOptions = {}): Promise<ObjectStorage> {
  const location = parseStorageUrl(url);
  switch (location.kind) {
    case 's3': {
      const { createS3Storage } = await import('./drivers/s3.ts');
      return createS3Storage({ ...options.s3, bucket: location.bucket, prefix: location.prefix });
    }
    case 'file': {
      const { assertLakeFolder, createFileStorage } = await import('./drivers/file.ts');
      // Found at start-up, not at the first batch: a lake that is a file can never hold an object.
      await assertLakeFolder(location.path);
      return createFileStorage(location.path);
    }
    case 'memory': {
      const { createMemoryStorage } = await import('./drivers/memory.ts');
      return createMemoryStorage();
    }
  }
}
