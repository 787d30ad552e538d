/** The report's own failures, on top of ConfigError (bad flags/settings) and QueryError (the engine). */
import { AccessLakeError } from '../lib/errors/index.ts';

/** The output location cannot be written (or cleaned up); names the location and what to check. */
export class ReportOutputError extends AccessLakeError {}

/** The report was written but the mail could not be sent (SMTP refused, unreachable, bad login). */
export class ReportEmailError extends AccessLakeError {}
