import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { assertSafeKey, assertSafePrefix, type ObjectStorage, StorageError } from '../types.ts';

export interface S3StorageOptions {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing `/`. */
  prefix?: string;
  /** An S3-compatible endpoint (MinIO, moto); implies path-style addressing. */
  endpoint?: string;
  region?: string;
  /** Per-request deadline; a hung connection becomes a retryable StorageError. Default 30 s. */
  requestTimeoutMs?: number;
  /** A ready client (tests, Lambda reuse). Otherwise one is created on first use. */
  client?: S3Client;
  clientConfig?: S3ClientConfig;
}

// S3 answers these when it wants the caller to slow down (S3 API "Error responses": SlowDown, 503).
const THROTTLING_CODES = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'RequestTimeout',
  'ThrottlingException',
  'TooManyRequests',
]);

/** S3 or any S3-compatible store. The client is created lazily, so a Lambda cold start pays only on use. */
export function createS3Storage(options: S3StorageOptions): ObjectStorage {
  const prefix = options.prefix ? `${options.prefix.replace(/^\/+|\/+$/g, '')}/` : '';
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  let client = options.client;
  const s3 = () => {
    client ??= new S3Client({
      region: options.region ?? 'us-east-1',
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      ...options.clientConfig,
    });
    return client;
  };
  const send = async <T>(what: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    try {
      return await run(AbortSignal.timeout(timeoutMs));
    } catch (error) {
      throw toStorageError(what, error);
    }
  };

  return {
    url: `s3://${options.bucket}/${prefix}`,
    async put(key, body, putOptions) {
      assertSafeKey(key);
      await send(`PutObject s3://${options.bucket}/${prefix}${key}`, (abortSignal) =>
        s3().send(
          new PutObjectCommand({
            Bucket: options.bucket,
            Key: prefix + key,
            Body: body,
            ContentLength: body.byteLength,
            ...(putOptions?.contentType ? { ContentType: putOptions.contentType } : {}),
            ...(putOptions?.contentEncoding ? { ContentEncoding: putOptions.contentEncoding } : {}),
          }),
          { abortSignal },
        ),
      );
    },
    async putIfAbsent(key, body, putOptions) {
      assertSafeKey(key);
      const what = `PutObject (If-None-Match) s3://${options.bucket}/${prefix}${key}`;
      // S3 answers 412 PreconditionFailed when the key exists, and 409 ConditionalRequestConflict when a
      // concurrent conditional write to the key is in progress: then whichever finishes first holds it,
      // so a 409 is retried until one of the two answers is final (S3 User Guide "Conditional writes").
      for (let attempt = 0; ; attempt++) {
        try {
          await s3().send(
            new PutObjectCommand({
              Bucket: options.bucket,
              Key: prefix + key,
              Body: body,
              ContentLength: body.byteLength,
              IfNoneMatch: '*',
              ...(putOptions?.contentType ? { ContentType: putOptions.contentType } : {}),
            }),
            { abortSignal: AbortSignal.timeout(timeoutMs) },
          );
          return true;
        } catch (error) {
          const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
          if (status === 412 || (error as Error).name === 'PreconditionFailed') return false;
          if ((status === 409 || (error as Error).name === 'ConditionalRequestConflict') && attempt < 5) {
            await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
            continue;
          }
          throw toStorageError(what, error);
        }
      }
    },
    async get(key) {
      assertSafeKey(key);
      try {
        const out = await s3().send(new GetObjectCommand({ Bucket: options.bucket, Key: prefix + key }), {
          abortSignal: AbortSignal.timeout(timeoutMs),
        });
        return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
      } catch (error) {
        if (
          error instanceof S3ServiceException &&
          (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404)
        ) {
          return undefined;
        }
        throw toStorageError(`GetObject s3://${options.bucket}/${prefix}${key}`, error);
      }
    },
    async list(listPrefix) {
      assertSafePrefix(listPrefix);
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await send(
          `ListObjectsV2 s3://${options.bucket}/${prefix}${listPrefix}`,
          (abortSignal) =>
            s3().send(
              new ListObjectsV2Command({
                Bucket: options.bucket,
                Prefix: prefix + listPrefix,
                ...(token ? { ContinuationToken: token } : {}),
              }),
              { abortSignal },
            ),
        );
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key.slice(prefix.length));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    async delete(key) {
      assertSafeKey(key);
      await send(`DeleteObject s3://${options.bucket}/${prefix}${key}`, (abortSignal) =>
        s3().send(new DeleteObjectCommand({ Bucket: options.bucket, Key: prefix + key }), { abortSignal }),
      );
    },
  };
}

function toStorageError(what: string, error: unknown): StorageError {
  const name = (error as { name?: string }).name ?? '';
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  const throttled = timedOut || THROTTLING_CODES.has(name) || status === 503 || status === 429;
  const reason = timedOut
    ? 'timed out'
    : `${name || 'error'}${status ? ` (HTTP ${status})` : ''}: ${(error as Error).message}`;
  // KeyTooLongError: the key is over S3's 1024 bytes; storage is fine, this key never will be.
  const refusedKey = name === 'KeyTooLongError';
  return new StorageError(`${what} failed: ${reason}`, { cause: error, throttled, refusedKey });
}
