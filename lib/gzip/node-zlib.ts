import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { CorruptGzipError, GunzipLimitError, type GzipCodec } from './codec.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * Output buffer size for gunzip. node:zlib fills one buffer of `chunkSize` per trip to the thread pool, and
 * the default (16 KiB) makes a 5 MB batch take ~300 trips: two thirds of the ingest's gunzip CPU went on that
 * round-tripping. 256 KiB cuts it to a handful; the cap can overshoot by at most one such buffer.
 */
const GUNZIP_CHUNK_BYTES = 256 * 1024;

/** node:zlib on the libuv thread pool: the fastest codec wherever `node:zlib` exists (Node, Deno, Bun). */
export const nodeZlibCodec: GzipCodec = {
  name: 'node:zlib',
  async gzip(data, level = 6) {
    const out = await gzipAsync(data, { level });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
  async gunzip(data, maxOutputBytes) {
    try {
      // maxOutputLength makes zlib stop inflating at the cap instead of allocating the whole bomb.
      // The default Z_FINISH flush rejects a truncated member ("unexpected end of file").
      const out = await gunzipAsync(data, {
        maxOutputLength: maxOutputBytes,
        chunkSize: GUNZIP_CHUNK_BYTES,
      });
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    } catch (error) {
      // Node says ERR_BUFFER_TOO_LARGE; workerd's node:zlib (nodejs_compat) throws a bare
      // RangeError "Memory limit exceeded" at the same cap (test/runtimes/workerd-codec.test.ts).
      if (
        (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ||
        (error as Error).name === 'RangeError'
      ) {
        throw new GunzipLimitError(maxOutputBytes, { cause: error });
      }
      throw new CorruptGzipError(`body is not valid gzip: ${(error as Error).message}`, { cause: error });
    }
  },
};
