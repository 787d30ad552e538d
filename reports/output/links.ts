/**
 * Links to a report's files for the summary and the mail: a presigned GetObject URL for S3 outputs
 * (anyone holding it can download until it expires, no AWS login needed), the absolute path for a local
 * folder. https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html
 */
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { parseStorageUrl } from '../../storage/index.ts';

export interface LinkMaker {
  link(key: string): Promise<string>;
  /** What a reader should know about the links, e.g. when they expire. */
  note?: string;
}

/** SigV4 presigned URLs live at most 7 days (S3 rejects longer `X-Amz-Expires`). */
export const MAX_LINK_SECONDS = 7 * 24 * 3600;

/**
 * Links for objects under the storage root `storageUrl` (`s3://bucket/prefix/` or `file:///abs/`).
 * For S3, `client` signs; the URL is only as long-lived as its credentials, so a Lambda role's
 * session credentials end it earlier than `expiresInSeconds` (docs/reports.md).
 */
export function createLinkMaker(
  storageUrl: string,
  options: { client?: () => S3Client; expiresInSeconds?: number } = {},
): LinkMaker {
  const location = parseStorageUrl(storageUrl);
  if (location.kind === 's3') {
    const expiresIn = Math.min(options.expiresInSeconds ?? MAX_LINK_SECONDS, MAX_LINK_SECONDS);
    const client = options.client;
    if (!client) throw new TypeError('an S3 client is needed to presign links to s3:// outputs');
    const prefix = location.prefix ? `${location.prefix}/` : '';
    return {
      link: (key) =>
        getSignedUrl(client(), new GetObjectCommand({ Bucket: location.bucket, Key: prefix + key }), {
          expiresIn,
        }),
      note: `Download links are presigned and expire in ${describeSeconds(expiresIn)}.`,
    };
  }
  if (location.kind === 'file') {
    const root = storageUrl.startsWith('file://') ? fileURLToPath(storageUrl) : location.path;
    return { link: async (key) => `${root.replace(/\/+$/, '')}/${key}` };
  }
  return { link: async (key) => `memory://${key}` };
}

function describeSeconds(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  return `${seconds} seconds`;
}
