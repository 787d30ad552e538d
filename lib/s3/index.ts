/**
 * S3 bucket names as S3 accepts them for new buckets: 3–63 characters of lower-case letters, digits,
 * dots and hyphens, starting and ending with a letter or digit
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). The one copy of the
 * pattern: lake URLs, the deploy stack's bucketName and the report's result URLs check against it.
 */
export const BUCKET_NAME_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The same pattern without anchors, to embed in a larger one (`s3://(bucket)/key`). */
export const BUCKET_NAME_SOURCE = BUCKET_NAME_PATTERN.source.slice(1, -1);

export function isBucketName(name: string): boolean {
  return BUCKET_NAME_PATTERN.test(name);
}
