/**
 * AWS failures in plain language, shared by the Glue, Athena and S3 code: what was being done, to which
 * resource, and what to do about it. AccessDenied names the IAM action and resource to grant. AWS's own
 * words stay in `cause`, which the CLI and the logs print after the message.
 */
import { AccessLakeError } from '../lib/errors/index.ts';

export class AwsError extends AccessLakeError {
  /** The service's error code (`AccessDeniedException`, `EntityNotFoundException`…), or the SDK's name. */
  readonly code: string;
  /** The IAM action, e.g. `glue:CreateCrawler`. */
  readonly action: string;
  readonly resource: string | undefined;
  readonly throttled: boolean;
  constructor(
    message: string,
    details: {
      code: string;
      action: string;
      resource?: string | undefined;
      throttled?: boolean;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause });
    this.code = details.code;
    this.action = details.action;
    this.resource = details.resource;
    this.throttled = details.throttled ?? false;
  }
}

// Codes the services use to say "slow down" (Glue, Athena and S3 error lists in their API references).
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'SlowDown',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
]);
const NOT_FOUND = new Set([
  'EntityNotFoundException',
  'ResourceNotFoundException',
  'NoSuchBucket',
  'NotFound',
]);
const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
]);

/** The service's error code of any thrown value (`error.name` for SDK v3 service exceptions). */
export function awsErrorCode(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { name?: unknown; Code?: unknown; code?: unknown };
  if (typeof e.Code === 'string') return e.Code;
  if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
  return typeof e.code === 'string' ? e.code : undefined;
}

/** Wraps an AWS SDK failure as an {@link AwsError} whose message says what to do. */
export function toAwsError(error: unknown, action: string, resource?: string): AwsError {
  if (error instanceof AwsError) return error;
  const code = awsErrorCode(error) ?? 'UnknownError';
  const on = resource ? ` on ${resource}` : '';
  const details = { code, action, resource, cause: error };

  if (code.startsWith('AccessDenied') || code === 'UnauthorizedOperation' || code === 'Forbidden') {
    return new AwsError(
      `AWS denied ${action}${on}: the credentials in use may not do this. Allow "${action}"${resource ? ` on "${resource}"` : ''} in their IAM policy (docs/aws.md has a least-privilege policy). `,
      details,
    );
  }
  if (THROTTLING.has(code)) {
    return new AwsError(`AWS is throttling ${action}${on}; wait a moment and run it again`, {
      ...details,
      throttled: true,
    });
  }
  if (NOT_FOUND.has(code)) {
    return new AwsError(`${action}: ${resource ?? 'the resource'} does not exist`, details);
  }
  if (code === 'CredentialsProviderError') {
    return new AwsError(
      `no AWS credentials found for ${action}: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an IAM role`,
      details,
    );
  }
  if (BAD_CREDENTIALS.has(code)) {
    return new AwsError(
      `AWS rejected the credentials for ${action}: they are invalid or expired; refresh them (aws sso login, new keys) and run it again`,
      details,
    );
  }
  const errno =
    (error as { code?: unknown; cause?: { code?: unknown } }).code ??
    (error as { cause?: { code?: unknown } }).cause?.code;
  if (typeof errno === 'string' && /^(ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EAI_AGAIN)$/.test(errno)) {
    return new AwsError(
      `cannot reach AWS for ${action}${on} (${errno}): check the network, the region and any --endpoint`,
      { ...details, code: errno },
    );
  }
  return new AwsError(`${action}${on} failed with ${code}`, details);
}
