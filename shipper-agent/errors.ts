/**
 * The agent's errors. Each message says what went wrong and what to do about it; `fatal` errors stop the
 * agent (retrying would never help), the others are retried or reported and survived.
 */
import { AccessLakeError } from '../lib/errors/index.ts';

/** ingest answered 401/403: the token is wrong or was revoked. Retrying forever would only hide it. */
export class AuthRejectedError extends AccessLakeError {
  readonly fatal = true;
  constructor(
    readonly status: number,
    endpoint: string,
    detail: string,
  ) {
    super(
      `ingest at ${endpoint} rejected the token (${status}${detail ? `: ${detail}` : ''}): ` +
        'pass a token the ingest accepts (--token / ACCESSLAKE_TOKEN must be one of its ACCESSLAKE_TOKENS)',
    );
  }
}

/**
 * ingest answered 413: the batch is too large for its --max-body-bytes / --max-decompressed-bytes.
 * The loop splits the batch and sends smaller ones; this error only escapes when one line is too large.
 */
export class BatchTooLargeError extends AccessLakeError {
  constructor(
    readonly rawBytes: number,
    detail: string,
  ) {
    super(`ingest rejected a batch of ${rawBytes} bytes as too large (413${detail ? `: ${detail}` : ''})`);
  }
}

/**
 * ingest answered 409: it already holds a batch under this key with other bytes, so the bytes of the
 * range changed under the agent (a file truncated and refilled while a batch was pending). Not fatal:
 * the agent tells the file apart again and goes on under a new batch id.
 */
export class BatchConflictError extends AccessLakeError {
  constructor(
    readonly batchId: string,
    detail: string,
  ) {
    super(`ingest holds other bytes under batch key ${batchId} (409${detail ? `: ${detail}` : ''})`);
  }
}

/**
 * ingest rejected the request itself (400, 404, 415, other 4xx): sending it again cannot succeed, so the
 * agent stops and names the cause. The data stays in the log file and is sent after the fix.
 */
export class IngestRejectedError extends AccessLakeError {
  readonly fatal = true;
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A configured path cannot be tailed: not a regular file, a symlink to /dev/stdout, no permission. */
export class FileAccessError extends AccessLakeError {
  constructor(
    readonly path: string,
    readonly problem: 'stdout' | 'not-regular' | 'permission' | 'compressed' | 'other',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The state directory or state file cannot be used (corrupt, newer version, locked by another agent). */
export class StateError extends AccessLakeError {
  readonly fatal = true;
}

/** True for errors after which the agent must stop rather than retry. */
export function isFatal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { fatal?: unknown }).fatal === true;
}
