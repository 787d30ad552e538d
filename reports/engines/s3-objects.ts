/**
 * Objects named by full `s3://bucket/key` URLs, as Athena names the files a CTAS wrote (its `"$path"`
 * column). A report reads those files wherever the workgroup put them, then deletes them.
 */

import { BUCKET_NAME_SOURCE } from '../../lib/s3/index.ts';
import type { ObjectStorage } from '../../storage/index.ts';
import { ReportOutputError } from '../errors.ts';

export interface S3Objects {
  /** The object's bytes, `undefined` when it is gone. */
  get(url: string): Promise<Uint8Array | undefined>;
  delete(url: string): Promise<void>;
}

const S3_URL = new RegExp(`^s3://(${BUCKET_NAME_SOURCE})/(.+)$`);

/** `s3://bucket/a/b` → `{ bucket, key: 'a/b' }`; ReportOutputError for anything else. */
export function parseS3ObjectUrl(url: string): { bucket: string; key: string } {
  const match = S3_URL.exec(url);
  if (!match) throw new ReportOutputError(`Athena named a result file that is not an S3 object URL: ${url}`);
  return { bucket: match[1]!, key: match[2]! };
}

/**
 * Objects in any bucket, each bucket opened once with `open` (a storage rooted at `s3://bucket/`).
 *
 * @example
 * const objects = s3ObjectsVia((root) => createStorage(root, { s3: { client } }));
 */
export function s3ObjectsVia(open: (bucketRoot: string) => Promise<ObjectStorage>): S3Objects {
  const buckets = new Map<string, Promise<ObjectStorage>>();
  const storageFor = (bucket: string) => {
    let storage = buckets.get(bucket);
    if (!storage) {
      storage = open(`s3://${bucket}`);
      buckets.set(bucket, storage);
    }
    return storage;
  };
  return {
    async get(url) {
      const { bucket, key } = parseS3ObjectUrl(url);
      return (await storageFor(bucket)).get(key);
    },
    async delete(url) {
      const { bucket, key } = parseS3ObjectUrl(url);
      await (await storageFor(bucket)).delete(key);
    },
  };
}
