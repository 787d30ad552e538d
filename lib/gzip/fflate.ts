import { Gunzip, gzipSync } from 'fflate';
import { CorruptGzipError, GunzipLimitError, type GzipCodec } from './codec.ts';
import { crc32 } from './crc32.ts';

// Feeding the inflater in slices lets us stop as soon as the output passes the cap.
const INPUT_SLICE_BYTES = 64 * 1024;
const utf8 = new TextEncoder();

/** fflate: pure JavaScript, runs anywhere (Workers without nodejs_compat, browsers). The portable fallback. */
export const fflateCodec: GzipCodec = {
  name: 'fflate',
  async gzip(data, level = 6) {
    return gzipSync(typeof data === 'string' ? utf8.encode(data) : data, {
      level: level as 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9,
      mtime: 0,
    });
  },
  async gunzip(data, maxOutputBytes) {
    const chunks: Uint8Array[] = [];
    let total = 0;
    let ended = false;
    // Where each member starts in the input and in the output, to check its trailer afterwards.
    const memberStarts = [0];
    const memberOutputStarts = [0];
    const inflater = new Gunzip((chunk, final) => {
      total += chunk.length;
      if (total > maxOutputBytes) throw new GunzipLimitError(maxOutputBytes);
      chunks.push(chunk);
      if (final) ended = true;
    });
    inflater.onmember = (offset) => {
      memberStarts.push(offset);
      memberOutputStarts.push(total);
    };
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
    const output = concat(chunks, total);
    verifyTrailers(data, output, memberStarts, memberOutputStarts);
    return output;
  },
};

/**
 * fflate inflates without checking each member's trailer (CRC-32 and ISIZE, RFC 1952 §2.3.1), so a body
 * cut inside its trailer or with flipped bits would pass as shorter or wrong text. node:zlib checks it;
 * this makes the portable codec just as strict.
 */
function verifyTrailers(
  data: Uint8Array,
  output: Uint8Array,
  memberStarts: number[],
  outputStarts: number[],
): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < memberStarts.length; i++) {
    const end = memberStarts[i + 1] ?? data.length;
    // 10-byte header, at least 2 bytes of deflate data, 8-byte trailer.
    if (end - memberStarts[i]! < 20) throw new CorruptGzipError('body is not valid gzip: member too short');
    const member = output.subarray(outputStarts[i]!, outputStarts[i + 1] ?? output.length);
    const expectedCrc = view.getUint32(end - 8, true);
    const expectedSize = view.getUint32(end - 4, true);
    if (crc32(member) !== expectedCrc || member.length % 2 ** 32 !== expectedSize) {
      throw new CorruptGzipError(
        'body is not valid gzip: CRC-32 or length check failed (truncated or corrupt)',
      );
    }
  }
}

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
