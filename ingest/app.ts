/**
 * The ingest app: `fetch(Request) → Response`, web standards only, the same in Node, Lambda, Deno and
 * Workers. It speaks the wire protocol of docs/wire-protocol.md (the wire/ contract):
 * auth → capped read within a deadline → gunzip with a cap, inside the memory budget → parse + validate
 * each line → claim the batch (409 for other content under its key) → write one gzipped JSONL object per
 * event hour plus the rejects → answer `{ batchId, accepted, rejected, objects }`.
 */
import { Hono } from 'hono';
import { resolveLineParser } from '../formats/index.ts';
import { BATCH_ID_PATTERN, DEFAULT_PREFIXES } from '../lake-contract/index.ts';
import { HttpError } from '../lib/errors/index.ts';
import { loadGzipCodec } from '../lib/gzip/index.ts';
import { silentLogger } from '../lib/log/index.ts';
import { StorageError } from '../storage/index.ts';
import {
  BATCHES_PATH,
  type BatchAnswer,
  DEFAULT_LOG_FORMAT,
  DEFAULT_SOURCE,
  SOURCE_PATTERN,
  WIRE_HEADERS,
} from '../wire/index.ts';
import { createTokenVerifier } from './auth/bearer-tokens.ts';
import { createKeyedLock } from './batch/keyed-lock.ts';
import { readBatchBody } from './batch/parse-lines.ts';
import { createDecompressedBudget, type Reservation } from './body/decompressed-budget.ts';
import { assertLineCount, decodeBody, readCappedBody } from './body/read-body.ts';
import { createReadinessTracker } from './health/readiness.ts';
import { HourlyJsonLines } from './lake/hourly-json-lines.ts';
import { RejectsJsonLines } from './lake/rejects-json-lines.ts';
import { type WrittenBatch, writeBatch } from './lake/write-batch.ts';
import { createIngestMetrics } from './metrics/registry.ts';
import { backPressure } from './middleware/back-pressure.ts';
import { bearerAuth } from './middleware/bearer-auth.ts';
import { requestMetrics } from './middleware/metrics.ts';
import {
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_LIMITS,
  DEFAULT_MAX_CONCURRENT_BATCHES,
  DEFAULT_MAX_DECOMPRESSED_IN_FLIGHT,
  type IngestOptions,
  RETRY_AFTER_SECONDS,
} from './options.ts';

/** The methods each route answers (Hono answers HEAD with the GET handler), for 405's `Allow`. */
const ALLOWED_METHODS = new Map<string, string>([
  [BATCHES_PATH, 'POST'],
  ['/healthz', 'GET, HEAD'],
  ['/readyz', 'GET, HEAD'],
  ['/metrics', 'GET, HEAD'],
]);

export type { IngestOptions } from './options.ts';

const encoder = new TextEncoder();

export function createIngestApp(options: IngestOptions) {
  const verifier = createTokenVerifier(options.tokens);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const prefixes = options.prefixes ?? DEFAULT_PREFIXES;
  const maxConcurrent = options.maxConcurrentBatches ?? DEFAULT_MAX_CONCURRENT_BATCHES;
  const logger = options.logger ?? silentLogger;
  const metrics = createIngestMetrics();
  const codec = options.gzip ? Promise.resolve(options.gzip) : loadGzipCodec();
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const budget = createDecompressedBudget(
    Math.max(
      options.maxDecompressedInFlight ?? DEFAULT_MAX_DECOMPRESSED_IN_FLIGHT,
      limits.maxDecompressedBytes,
    ),
  );
  const batchLock = createKeyedLock();
  const readiness = createReadinessTracker();

  const app = new Hono();

  // Liveness: the process serves. It names no storage (that went to clients before) and never fails on it.
  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', (c) => {
    const state = readiness.state();
    if (state.ready) return c.json({ status: 'ready' });
    return c.json({ status: 'degraded', reason: state.reason, since: state.since, last: state.last }, 503);
  });

  app.get('/metrics', (c) =>
    c.text(metrics.registry.render(), 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }),
  );

  // The batch route's cross-cutting concerns are Hono middleware, outermost first: metrics see every
  // answer (refusals included), auth runs before a slot is taken, and the handler only handles a batch.
  app.post(
    BATCHES_PATH,
    requestMetrics({ requestSeconds: metrics.requestSeconds, answers: metrics.batches }),
    bearerAuth(verifier),
    backPressure({ maxInFlight: maxConcurrent, retryAfterSeconds: RETRY_AFTER_SECONDS }),
    async (c) => c.json(await handleBatch(c.req.raw)),
  );

  async function handleBatch(request: Request): Promise<BatchAnswer> {
    const reservation = budget.open();
    try {
      return await handleBatchWithin(request, reservation);
    } finally {
      reservation.release();
    }
  }

  async function handleBatchWithin(request: Request, reservation: Reservation): Promise<BatchAnswer> {
    const format = request.headers.get(WIRE_HEADERS.logFormat) ?? DEFAULT_LOG_FORMAT;
    const parser = resolveLineParser(format);
    const source = request.headers.get(WIRE_HEADERS.source) ?? DEFAULT_SOURCE;
    if (!SOURCE_PATTERN.test(source)) {
      throw new HttpError(
        400,
        'X-Source must be 1–128 characters from "!" to "~" (printable ASCII without the space)',
      );
    }

    const raw = await readCappedBody(request.body, limits.maxBodyBytes, bodyTimeoutMs);
    metrics.bytesIn.inc({}, raw.byteLength);
    const gzip = await codec;
    const body = await decodeBody(
      raw,
      request.headers.get(WIRE_HEADERS.contentEncoding) ?? undefined,
      gzip,
      limits,
      {
        budget,
        reservation,
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      },
    );
    metrics.bytesDecompressed.inc({}, body.byteLength);
    assertLineCount(body, limits.maxLines);

    const bodyDigest = await sha256(body);
    const batchId = request.headers.get(WIRE_HEADERS.idempotencyKey) ?? hex(bodyDigest.subarray(0, 16));
    if (!BATCH_ID_PATTERN.test(batchId)) {
      throw new HttpError(400, 'Idempotency-Key must be 8–128 characters of A–Z, a–z, 0–9, "_" or "-"');
    }
    // An empty batch (the agent's start-up access check) writes nothing, not even a claim.
    if (body.byteLength === 0) return { batchId, accepted: 0, rejected: 0, objects: [] };

    // The lines' own size is close to their JSONL for JSON formats; text formats grow the buffer once.
    const accepted = new HourlyJsonLines(body.byteLength, limits.maxHours);
    // Rejects are written as they come, gzipped in bounded chunks: junk lines cost no more than records.
    const rejected = new RejectsJsonLines(
      { batch_id: batchId, source, format: parser.name, received_at: new Date().toISOString() },
      gzip,
    );
    await readBatchBody(body, parser, source, accepted, rejected);
    // The content is the bytes and how they are read: the same bytes as another format store other records.
    const digest = `sha256:${hex(await sha256(encoder.encode(`${parser.name}\n${hex(bodyDigest)}`)))}`;
    let written: WrittenBatch;
    try {
      // One request per (source, batch id) at a time in this process: a retry waits for the first attempt.
      written = await batchLock.run(`${source}\n${batchId}`, () =>
        writeBatch(
          { batchId, source, format: parser.name, digest, accepted, rejected },
          {
            storage: options.storage,
            gzip,
            prefixes,
            logger,
            ...(options.gzipLevel ? { gzipLevel: options.gzipLevel } : {}),
          },
        ),
      );
    } catch (error) {
      // A key storage refused is this request's fault: storage is healthy, readiness stays as it is.
      if (error instanceof StorageError && !error.refusedKey) {
        const kind = error.throttled ? 'throttled' : 'failed';
        metrics.storageErrors.inc({ kind });
        readiness.storageFailed(kind);
      }
      throw error;
    }
    readiness.storageSucceeded();
    // Same content, so the same rejects: the first answer, and the same first reason.
    const firstReject = rejected.firstReason === undefined ? {} : { firstRejectReason: rejected.firstReason };
    if (written.replayed) {
      return {
        batchId,
        accepted: written.accepted,
        rejected: written.rejected,
        objects: written.objects,
        ...firstReject,
      };
    }
    // Counted only now: a batch that failed part-way is retried and must not be counted twice.
    metrics.recordsAccepted.inc({}, accepted.count);
    metrics.recordsRejected.inc({}, rejected.count);
    metrics.bytesOut.inc({}, written.bytesWritten);

    if (options.partitionRegistrar && written.partitions.length > 0) {
      await options.partitionRegistrar.register(written.partitions).catch((error: unknown) => {
        metrics.partitionErrors.inc();
        logger.warn('partition registration failed; the next crawl will find the data', { error, batchId });
      });
    }
    logger.debug('batch stored', {
      batchId,
      source,
      format: parser.name,
      accepted: accepted.count,
      rejected: rejected.count,
      objects: written.objects,
      bytesIn: raw.byteLength,
      bytesDecompressed: body.byteLength,
    });
    if (rejected.count > 0) {
      logger.info('batch had rejected lines', {
        batchId,
        rejected: rejected.count,
        firstReason: rejected.firstReason,
      });
    }
    return {
      batchId,
      accepted: accepted.count,
      rejected: rejected.count,
      objects: written.objects,
      ...firstReject,
    };
  }

  // The one place errors become responses (requestMetrics counts them by status).
  app.onError((error, c) => {
    if (error instanceof HttpError) {
      // A refused token is worth a warning (a misconfigured agent, or someone probing); the rest is the
      // client's to fix and shows at debug. The token itself is never logged.
      const fields = {
        status: error.status,
        reason: error.message,
        source: c.req.header(WIRE_HEADERS.source),
      };
      if (error.status === 401 || error.status === 403)
        logger.warn('request refused: bad or missing token', fields);
      else logger.debug('request refused', fields);
      if (error.retryAfterSeconds !== undefined)
        c.header(WIRE_HEADERS.retryAfter, String(error.retryAfterSeconds));
      return c.json({ error: error.message }, error.status as 400);
    }
    if (error instanceof StorageError && error.refusedKey) {
      logger.error('storage refused a batch object name', { error });
      return c.json(
        { error: "the lake refused this batch's object name (too long for the storage): nothing was stored" },
        400,
      );
    }
    if (error instanceof StorageError) {
      const status = error.throttled ? 503 : 500;
      // The client learns what it can act on; the endpoint, bucket and path stay in the log.
      logger.error('storage write failed', { error });
      if (error.throttled) c.header(WIRE_HEADERS.retryAfter, String(RETRY_AFTER_SECONDS));
      return c.json(
        {
          error: error.throttled
            ? 'storage is throttling or timing out: nothing was acknowledged, retry the batch later'
            : 'storage write failed: nothing was acknowledged, retry the batch later',
        },
        status,
      );
    }
    logger.error('unexpected error', { error });
    return c.json({ error: 'internal error' }, 500);
  });

  // A known path asked with another method is 405 with `Allow` (RFC 9110 §15.5.6), so a client
  // that GETs the batch URL learns to POST, not that the ingest is missing.
  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const allow = ALLOWED_METHODS.get(path);
    if (allow)
      return c.json({ error: `${c.req.method} is not answered on ${path}: use ${allow}` }, 405, {
        Allow: allow,
      });
    return c.json({ error: `no route for ${c.req.method} ${path}` }, 404);
  });

  return Object.assign(app, { metrics, budget });
}

export type IngestApp = ReturnType<typeof createIngestApp>;

/**
 * SHA-256 of the decompressed body. Its first 16 bytes key a batch sent without an Idempotency-Key, so a
 * retry of the same bytes still finds its batch; the whole digest is the content a claim compares.
 */
async function sha256(body: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', body as Uint8Array<ArrayBuffer>));
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
