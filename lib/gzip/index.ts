/**
 * The one gzip module of ingest and agent. `loadGzipCodec()` picks the fastest backend the runtime offers:
 * node:zlib where it exists (Node, Deno, workerd with nodejs_compat), otherwise fflate, which is pure
 * JavaScript. Both cap decompressed output so a gzip bomb cannot exhaust memory.
 *
 * @example
 *   const codec = await loadGzipCodec();
 *   const body = await codec.gunzip(bytes, 64 * 1024 * 1024);
 */
import type { GzipCodec } from './codec.ts';
import { fflateCodec } from './fflate.ts';

export { CorruptGzipError, GunzipLimitError, type GzipCodec, hasGzipMagic } from './codec.ts';
export { fflateCodec } from './fflate.ts';

export type GzipBackend = 'auto' | 'node:zlib' | 'fflate';

let detected: Promise<GzipCodec> | undefined;

export function loadGzipCodec(backend: GzipBackend = 'auto'): Promise<GzipCodec> {
  if (backend === 'fflate') return Promise.resolve(fflateCodec);
  if (backend === 'node:zlib') return import('./node-zlib.ts').then((m) => m.nodeZlibCodec);
  detected ??= import('./node-zlib.ts').then(
    (m) => m.nodeZlibCodec,
    // No node:zlib here (a plain Worker): fall back to the portable codec.
    () => fflateCodec,
  );
  return detected;
}
