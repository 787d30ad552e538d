/**
 * Reads a request body with a hard cap on its compressed size and decompresses it with a cap on the
 * decompressed size. Content-Length is not trusted: bytes are counted as they arrive, and reading stops
 * at the cap, so neither a large upload nor a gzip bomb can exhaust memory.
 */
import { HttpError } from '../../lib/errors/index.ts';
import { CorruptGzipError, GunzipLimitError, type GzipCodec, hasGzipMagic } from '../../lib/gzip/index.ts';

export interface BodyLimits {
  /** Bytes on the wire. */
  maxBodyBytes: number;
  /** Bytes after gunzip. */
  maxDecompressedBytes: number;
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

export async function readCappedBody(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLargeError('request body', maxBytes);
    }
    chunks.push(value);
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
 * Returns the batch's text bytes. `Content-Encoding: gzip` must come with the gzip magic; a body with the
 * magic is treated as gzip even without the header; identity bodies are accepted for curl and tests.
 */
export async function decodeBody(
  raw: Uint8Array,
  contentEncoding: string | undefined,
  codec: GzipCodec,
  limits: BodyLimits,
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
    return raw;
  }
  try {
    return await codec.gunzip(raw, limits.maxDecompressedBytes);
  } catch (error) {
    if (error instanceof GunzipLimitError) {
      throw new PayloadTooLargeError('decompressed body', limits.maxDecompressedBytes, { cause: error });
    }
    if (error instanceof CorruptGzipError) throw new HttpError(400, error.message, { cause: error });
    throw error;
  }
}
