import { HttpError } from '../lib/errors/index.ts';

/** The client named a format this ingest does not know: 415, as the wire protocol says. */
export class UnsupportedFormatError extends HttpError {
  constructor(spec: string) {
    super(
      415,
      `unsupported log format ${JSON.stringify(spec.slice(0, 80))}: use json, combined, main, s3, alb or an nginx log_format string (one with $variables)`,
    );
  }
}

/** A log_format string that cannot compile: 400, pointing at the offending position. */
export class LogFormatSyntaxError extends HttpError {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(400, `log_format does not compile at position ${position}: ${message}`);
  }
}
