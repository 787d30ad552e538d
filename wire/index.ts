/**
 * The wire contract between the agent (`shipper-agent/`) and the ingest (`ingest/`), written once for
 * both sides (docs/wire-protocol.md): the batch route, the request headers each POST carries, the
 * `X-Source` rule, and the JSON answers.
 *
 * A batch is `POST {@link BATCHES_PATH}` with a gzip (or plain) body of log lines; a stored batch is
 * answered `200` with a {@link BatchAnswer}, any refusal with an {@link ErrorAnswer} and its status
 * (400, 401, 403, 408, 409, 413, 415, 503 with `Retry-After`, 500).
 *
 * Import this index (checked by dependency-cruiser: .dependency-cruiser.cjs).
 */

/** The one route that takes batches. */
export const BATCHES_PATH = '/v1/batches';

/** The request and answer headers the protocol names (RFC 9110 spellings; HTTP header names are case-blind). */
export const WIRE_HEADERS = {
  /** `Bearer <token>`. */
  authorization: 'Authorization',
  /** The batch id: 8–128 characters of `A–Z a–z 0–9 _ -` (lake-contract's `BATCH_ID_PATTERN`). */
  idempotencyKey: 'Idempotency-Key',
  /** `json` (default), `combined`, `main`, `s3`, `alb` or an nginx `log_format` string. */
  logFormat: 'X-Log-Format',
  /** The agent's label, {@link SOURCE_PATTERN}; default {@link DEFAULT_SOURCE}. */
  source: 'X-Source',
  /** `gzip` (or `x-gzip`), `identity` or none. */
  contentEncoding: 'Content-Encoding',
  /** On a 503 (and the agent also honours it on 429): seconds to wait before retrying (RFC 9110 §10.2.3). */
  retryAfter: 'Retry-After',
} as const;

/** `X-Source`: 1–128 characters from `!` to `~`, printable ASCII without the space. */
export const SOURCE_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** The `X-Source` of a request that sends none. */
export const DEFAULT_SOURCE = 'unknown';

/** The `X-Log-Format` of a request that sends none. */
export const DEFAULT_LOG_FORMAT = 'json';

/** The 200 answer to a stored batch. The same batch again gives the same answer. */
export interface BatchAnswer {
  /** The `Idempotency-Key`, exactly; or the body's hash when the request had none. */
  batchId: string;
  /** Records stored. */
  accepted: number;
  /** Lines stored as rejects, each with its reason. */
  rejected: number;
  /** The lake keys of the objects holding the accepted records, one per event hour. */
  objects: string[];
  /**
   * The reason of the first rejected line, when there is one: agents show it where users look. Ingests
   * older than this field leave it out.
   */
  firstRejectReason?: string | undefined;
}

/** The body of every answer that is not a 200. */
export interface ErrorAnswer {
  /** What was wrong, in words a person can act on. */
  error: string;
}
