import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { AwsError, toAwsError } from '../aws/index.ts';
import { ConfigError } from '../lib/errors/index.ts';
import type { ProvisionOptions, ProvisionStep } from './contract/index.ts';

/** The lake's bucket: must be reachable; created only with `--create-bucket`. */
export function bucketStep(o: ProvisionOptions, s3: S3Client): ProvisionStep {
  const arn = `arn:aws:s3:::${o.bucket}`;
  return {
    kind: 'S3 bucket',
    name: o.bucket,
    async inspect() {
      try {
        await s3.send(new HeadBucketCommand({ Bucket: o.bucket }));
        return { state: 'present', changes: [] };
      } catch (error) {
        // HeadBucket has no body, so S3's answer is only its status code (API_HeadBucket).
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404) return { state: 'missing' };
        if (status === 403) {
          throw new AwsError(
            `AWS denied s3:ListBucket on ${arn}: the bucket belongs to another account, or the credentials in use may not list it. Allow "s3:ListBucket" on "${arn}" (docs/aws.md)`,
            { code: 'AccessDenied', action: 's3:ListBucket', resource: arn, cause: error },
          );
        }
        if (status === 301) {
          throw new ConfigError(`bucket ${o.bucket} is in another region than ${o.region}: pass --region`, {
            cause: error,
          });
        }
        throw toAwsError(error, 's3:ListBucket', arn);
      }
    },
    blockedReason() {
      return o.createBucket
        ? undefined
        : `bucket ${o.bucket} does not exist (or is not visible to these credentials): create it, or run again with --create-bucket`;
    },
    async create() {
      try {
        await s3.send(
          new CreateBucketCommand({
            Bucket: o.bucket,
            // us-east-1 is the one region that refuses an explicit LocationConstraint (API_CreateBucket).
            ...(o.region === 'us-east-1'
              ? {}
              : { CreateBucketConfiguration: { LocationConstraint: o.region as never } }),
          }),
        );
      } catch (error) {
        throw toAwsError(error, 's3:CreateBucket', arn);
      }
    },
  };
}
