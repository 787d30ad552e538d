/**
 * A Worker that reports which gzip backend `loadGzipCodec()` picks inside workerd and how that backend
 * behaves on a round trip, a gzip bomb, a truncated stream and a corrupted one (error class names).
 */
import { loadGzipCodec } from '../../../lib/gzip/index.ts';

async function errorName(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'no error';
  } catch (error) {
    return (error as Error).name;
  }
}

export default {
  async fetch(): Promise<Response> {
    const codec = await loadGzipCodec();
    const text = new TextEncoder().encode('GET /index.html 200\n'.repeat(2000));
    const gz = await codec.gzip(text, 6);
    const roundTrip =
      new TextDecoder().decode(await codec.gunzip(gz, 1 << 20)) === new TextDecoder().decode(text);
    const bomb = await codec.gzip(new Uint8Array(4 << 20), 9);
    const corrupt = gz.slice();
    for (let i = 12; i < 40; i++) corrupt[i] = 0xff;
    const crcFlip = gz.slice();
    crcFlip[gz.length - 6]! ^= 1; // a bit of the CRC-32 in the trailer (RFC 1952 §2.2)
    return Response.json({
      codec: codec.name,
      roundTrip,
      bomb: await errorName(() => codec.gunzip(bomb, 1 << 20)),
      // 12 bytes short: the 8-byte trailer and the end of the last deflate block are missing.
      truncated: await errorName(() => codec.gunzip(gz.subarray(0, gz.length - 12), 1 << 20)),
      crcFlip: await errorName(() => codec.gunzip(crcFlip, 1 << 20)),
      corrupt: await errorName(() => codec.gunzip(corrupt, 1 << 20)),
    });
  },
};
