/**
 * Reads a request body with a hard cap on its compressed size and a deadline, and decompresses it with a
 * cap on the decompressed size and within the shared memory budget. Content-Length is not trusted: bytes
 * are counted as they arrive, and reading stops at the cap or the deadline, so neither a large upload, a
 * gzip bomb nor a client that stops sending can exhaust memory or hold a batch slot.
 */
import { HttpError } from '../../lib/errors/index.ts';
import { CorruptGzipError, GunzipLimitError, type GzipCodec, hasGzipMagic } from '../../lib/gzip/index.ts';
import { type DecompressedBudget, MemoryBudgetError, type Reservation } from './decompressed-budget.ts';

export interface BodyLimits {
  /** Bytes on the wire. */
  maxBodyBytes: number;
  /** Bytes after gunzip. */
  maxDecompressedBytes: number;
  /**
   * Lines in one batch. Every line costs its reason and reject line even when it is one byte of junk, so
   * the bytes caps alone let a few MB of newlines cost seconds of CPU; past this a batch is 413 and the
   * agent halves it. Default 1,000,000 (real nginx lines, ~200 bytes, reach the decompressed cap first).
   */
  maxLines: number;
  /**
   * Distinct UTC event hours one batch may write, each one lake object (and one partition). Without it a
   * few KB of lines, each in another hour, make thousands of PUTs and a huge answer. Lines in hours past
   * it are rejects with that reason (kept, replayable), never a failed batch: a batch a real host sent
   * must not block the lines after it. Default 744, a month of hours: a quiet log's backfill fits.
   */
  maxHours: number;
}

export class PayloadTooLargeError extends HttpError {
  constructor(what: string, limit: number, options?: { cause?: unknown }) {
    super(
      413,
      `${what} exceeds the limit of ${limit} bytes: send smaller batches (agent --batch-bytes)`,
      options,
    );
  }
}

/**
 * 413 when `body` holds more than `maxLines` lines (a last line without `\n` counts), before any is read.
 * Counting is a native byte search, about 1 ms per MB.
 */
export function assertLineCount(body: Uint8Array, maxLines: number): void {
  let lines = 0;
  let at = body.indexOf(0x0a);
  while (at !== -1) {
    if (++lines > maxLines) break;
    at = body.indexOf(0x0a, at + 1);
  }
  if (lines <= maxLines && body.length > 0 && body[body.length - 1] !== 0x0a) lines++;
  if (lines > maxLines) {
    throw new HttpError(
      413,
      `batch has more than ${maxLines} lines: send smaller batches (agent --batch-bytes or --batch-lines)`,
    );
  }
}

/** 408: the client did not send the whole body within the deadline. */
export class BodyTimeoutError extends HttpError {
  constructor(deadlineMs: number, received: number) {
    super(
      408,
      `request body not received within ${deadlineMs / 1000} s (${received} bytes arrived): send the batch again`,
    );
  }
}

/**
 * Reads the whole body, at most `maxBytes`, within `deadlineMs` of the call.
 * @throws {PayloadTooLargeError} (413) past `maxBytes`
 * @throws {BodyTimeoutError} (408) when the deadline passes first; the stream is cancelled
 */
export async function readCappedBody(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  deadlineMs = Number.POSITIVE_INFINITY,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // setTimeout rather than AbortSignal.timeout: a stream reader takes no signal, and this runs everywhere.
  const deadline = Number.isFinite(deadlineMs)
    ? new Promise<'deadline'>((resolve) => {
        timer = setTimeout(() => resolve('deadline'), deadlineMs);
      })
    : undefined;
  try {
    for (;;) {
      const next = deadline
        ? await Promise.race([readFromClient(reader, total), deadline])
        : await readFromClient(reader, total);
      if (next === 'deadline') {
        await reader.cancel().catch(() => {});
        throw new BodyTimeoutError(deadlineMs, total);
      }
      const { done, value } = next;
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new PayloadTooLargeError('request body', maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  // A body that arrived in one chunk (app.request, most small uploads) needs no copy.
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * One read of the request body. A stream error there means the client went away before the body ended
 * (Node's adapter errors the stream with "aborted"): that is the client's doing, answered as nginx's 499
 * "client closed request", not a 500 counted as the ingest's own failure.
 */
async function readFromClient(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  received: number,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  try {
    return await reader.read();
  } catch (error) {
    throw new ClientClosedRequestError(received, { cause: error });
  }
}

/** 499 (nginx's "client closed request"): the connection ended before the body did. */
export class ClientClosedRequestError extends HttpError {
  constructor(received: number, options?: { cause?: unknown }) {
    super(499, `the client closed the connection after ${received} bytes of the body`, options);
  }
}

/** The decompressed size reserved first: 32× the wire size (access logs compress ~10–20×), at least this. */
const FIRST_RESERVATION_BYTES = 1024 * 1024;
const FIRST_RESERVATION_RATIO = 32;
/** How much a reservation grows each time the body turns out larger. */
const RESERVATION_GROWTH = 4;

/** Where the decompressed bytes are accounted: the shared budget and this batch's reservation in it. */
export interface BudgetSlot {
  budget: DecompressedBudget;
  reservation: Reservation;
  retryAfterSeconds: number;
}

/**
 * Returns the batch's text bytes. `Content-Encoding: gzip` must come with the gzip magic; a body with the
 * magic is treated as gzip even without the header; identity bodies are accepted for curl and tests.
 * With `slot`, the decompressed bytes are reserved in the shared budget first: gunzip runs with the
 * reservation as its output cap, and a body larger than its reservation is inflated again with a larger
 * one (×4, up to the per-batch cap), so a bomb holds at most the budget, never the cap times the batches.
 * @throws {MemoryBudgetError} (503) when the budget cannot cover the reservation
 */
export async function decodeBody(
  raw: Uint8Array,
  contentEncoding: string | undefined,
  codec: GzipCodec,
  limits: BodyLimits,
  slot?: BudgetSlot,
): Promise<Uint8Array> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding !== 'gzip' && encoding !== 'x-gzip' && encoding !== 'identity' && encoding !== '') {
    throw new HttpError(415, `unsupported Content-Encoding ${JSON.stringify(encoding)}: send gzip`);
  }
  const declaredGzip = encoding === 'gzip' || encoding === 'x-gzip';
  if (declaredGzip && !hasGzipMagic(raw)) {
    throw new HttpError(
      400,
      'body is not gzip: Content-Encoding says gzip but the body does not start with 1f 8b',
    );
  }
  if (!hasGzipMagic(raw)) {
    if (raw.byteLength > limits.maxDecompressedBytes)
      throw new PayloadTooLargeError('body', limits.maxDecompressedBytes);
    reserve(slot, raw.byteLength);
    return raw;
  }
  const cap = limits.maxDecompressedBytes;
  let limit = slot
    ? Math.min(cap, Math.max(FIRST_RESERVATION_BYTES, raw.byteLength * FIRST_RESERVATION_RATIO))
    : cap;
  for (;;) {
    reserve(slot, limit);
    try {
      const out = await codec.gunzip(raw, limit);
      slot?.reservation.resize(out.byteLength);
      return out;
    } catch (error) {
      if (error instanceof GunzipLimitError) {
        if (limit < cap) {
          limit = Math.min(cap, limit * RESERVATION_GROWTH);
          continue;
        }
        throw new PayloadTooLargeError('decompressed body', cap, { cause: error });
      }
      if (error instanceof CorruptGzipError) throw new HttpError(400, error.message, { cause: error });
      throw error;
    }
  }
}

function reserve(slot: BudgetSlot | undefined, bytes: number): void {
  if (slot && !slot.reservation.resize(bytes)) {
    throw new MemoryBudgetError(bytes, slot.budget, slot.retryAfterSeconds);
  }
}
