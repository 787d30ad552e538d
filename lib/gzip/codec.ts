import { AccessLakeError } from '../errors/index.ts';

/** gzip + bounded gunzip, implemented once per backend (node:zlib, fflate). */
export interface GzipCodec {
  readonly name: 'node:zlib' | 'fflate';
  /**
   * Compresses `data` as one gzip member. `level` 1–9, default 6. Text is compressed as UTF-8; passing it
   * as a string lets node:zlib encode it natively instead of through a TextEncoder copy first.
   */
  gzip(data: Uint8Array | string, level?: number): Promise<Uint8Array>;
  /**
   * Decompresses every gzip member in `data`, failing with {@link GunzipLimitError} as soon as the output
   * would pass `maxOutputBytes`: memory stays bounded for a gzip bomb.
   */
  gunzip(data: Uint8Array, maxOutputBytes: number): Promise<Uint8Array>;
}

/** The decompressed size passed the cap. */
export class GunzipLimitError extends AccessLakeError {
  constructor(
    readonly limitBytes: number,
    options?: { cause?: unknown },
  ) {
    super(`decompressed body exceeds the ${limitBytes}-byte limit`, options);
  }
}

/** The bytes are not valid gzip (bad header, corrupt deflate stream, truncated, bad CRC). */
export class CorruptGzipError extends AccessLakeError {}

/** gzip streams start with the magic bytes 1f 8b (RFC 1952 §2.3.1); headers alone are not trusted. */
export function hasGzipMagic(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}
