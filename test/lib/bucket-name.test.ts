import { describe, expect, it } from 'vitest';
import { isBucketName } from '../../lib/s3/index.ts';
import { parseS3ObjectUrl } from '../../reports/engines/s3-objects.ts';
import { parseStorageUrl } from '../../storage/index.ts';

describe('isBucketName', () => {
  it.each(['abc', 'my-lake.logs', 'a'.repeat(63), '1bucket'])('accepts %j', (name) => {
    expect(isBucketName(name)).toBe(true);
  });
  it.each(['ab', 'a'.repeat(64), 'My_Bucket', '-lake', 'lake-', 'lake/x'])('refuses %j', (name) => {
    expect(isBucketName(name)).toBe(false);
  });

  it('is the rule of lake URLs and of the report result URLs alike', () => {
    expect(() => parseStorageUrl('s3://Bad_Bucket/lake')).toThrow(/not a valid S3 bucket name/);
    expect(parseS3ObjectUrl('s3://my-lake.logs/a/b.csv')).toEqual({ bucket: 'my-lake.logs', key: 'a/b.csv' });
    expect(() => parseS3ObjectUrl('s3://Bad_Bucket/a.csv')).toThrow(/not an S3 object URL/);
  });
});
