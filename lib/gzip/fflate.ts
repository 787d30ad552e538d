import { Gunzip, gzipSync } from 'fflate';
import { CorruptGzipError, GunzipLimitError, type GzipCodec } from './codec.ts';

// Feeding the inflater in slices lets us stop as soon as the output passes the cap.
const INPUT_SLICE_BYTES = 64 * 1024;

/** fflate: pure JavaScript, runs anywhere (Workers without nodejs_compat, browsers). The portable fallback. */
export const fflateCodec: GzipCodec = {
  name: 'fflate',
  async gzip(data, level = 6) {
    return gzipSync(data, { level: level as 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9, mtime: 0 });
  },
  async gunzip(data, maxOutputBytes) {
    const chunks: Uint8Array[] = [];
    let total = 0;
    let ended = false;
    const inflater = new Gunzip((chunk, final) => {
      total += chunk.length;
      if (total > maxOutputBytes) throw new GunzipLimitError(maxOutputBytes);
      chunks.push(chunk);
      if (final) ended = true;
    });
    try {
      for (let offset = 0; offset < data.length; offset += INPUT_SLICE_BYTES) {
        const end = Math.min(offset + INPUT_SLICE_BYTES, data.length);
        inflater.push(data.subarray(offset, end), end === data.length);
      }
    } catch (error) {
      if (error instanceof GunzipLimitError) throw error;
      throw new CorruptGzipError(`body is not valid gzip: ${(error as Error).message}`, { cause: error });
    }
    if (!ended) throw new CorruptGzipError('body is not valid gzip: unexpected end of data');
    return concat(chunks, total);
  },
};

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
