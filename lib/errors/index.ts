/**
 * The project's error hierarchy. Every error has a `name`, a message a person can act on, and the
 * underlying `cause` when there is one. HTTP-facing errors carry their status so that exactly one place
 * (the ingest app's error handler) turns them into responses.
 */
export class AccessLakeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An error that maps onto an HTTP answer. `retryAfterSeconds` becomes a `Retry-After` header. */
export class HttpError extends AccessLakeError {
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options);
    this.status = status;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** A bad setting found while reading configuration at an entry point; fails start-up early. */
export class ConfigError extends AccessLakeError {}

/** Describes any thrown value in one line, for logs and error messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    // A cause that only repeats the message (a re-thrown library error) adds nothing for the reader.
    const cause =
      error.cause instanceof Error && !error.message.includes(error.cause.message)
        ? ` (cause: ${error.cause.message})`
        : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
