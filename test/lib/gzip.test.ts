import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CorruptGzipError,
  fflateCodec,
  GunzipLimitError,
  hasGzipMagic,
  loadGzipCodec,
} from '../../lib/gzip/index.ts';
import { nodeZlibCodec } from '../../lib/gzip/node-zlib.ts';

const text = new TextEncoder().encode('{"a":1}\n'.repeat(10_000));

describe.each([nodeZlibCodec, fflateCodec])('$name codec', (codec) => {
  it('round-trips through gzip and gunzip', async () => {
    const compressed = await codec.gzip(text, 6);
    expect(hasGzipMagic(compressed)).toBe(true);
    expect(compressed.length).toBeLessThan(text.length / 10);
    expect(await codec.gunzip(compressed, text.length)).toEqual(text);
  });

  it('compresses a string as its UTF-8 bytes', async () => {
    const line = '{"path":"/café/☃","ua":"\ud83d\ude00"}\n'.repeat(100);
    const compressed = await codec.gzip(line, 6);
    expect(new Uint8Array(gunzipSync(compressed))).toEqual(new TextEncoder().encode(line));
  });

  it('writes gzip that other tools read', async () => {
    expect(new Uint8Array(gunzipSync(await codec.gzip(text, 1)))).toEqual(text);
  });

  it('reads every member of a multi-member stream', async () => {
    const twoMembers = Buffer.concat([gzipSync('first\n'), gzipSync('second\n')]);
    expect(new TextDecoder().decode(await codec.gunzip(twoMembers, 1024))).toBe('first\nsecond\n');
  });

  it('stops at the output cap with GunzipLimitError', async () => {
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024));
    await expect(codec.gunzip(bomb, 1024 * 1024)).rejects.toBeInstanceOf(GunzipLimitError);
  });

  it('reports corrupt and truncated input as CorruptGzipError', async () => {
    const good = gzipSync(text);
    const corrupt = Buffer.from(good);
    corrupt[20] = (corrupt[20] ?? 0) ^ 0xff;
    await expect(codec.gunzip(corrupt, 10 * text.length)).rejects.toBeInstanceOf(CorruptGzipError);
    await expect(codec.gunzip(good.subarray(0, good.length - 10), 10 * text.length)).rejects.toBeInstanceOf(
      CorruptGzipError,
    );
  });
});

describe('loadGzipCodec', () => {
  it('picks node:zlib where the runtime has it, fflate on request', async () => {
    expect((await loadGzipCodec()).name).toBe('node:zlib');
    expect((await loadGzipCodec('fflate')).name).toBe('fflate');
  });
});

describe('trailer checks', () => {
  const member = gzipSync(Buffer.from('x'.repeat(100_000)));
  it.each([1, 4, 8, 9])('rejects a stream cut %i bytes short, in both codecs', async (cut) => {
    for (const codec of [nodeZlibCodec, fflateCodec]) {
      await expect(codec.gunzip(member.subarray(0, member.length - cut), 1 << 20)).rejects.toBeInstanceOf(
        CorruptGzipError,
      );
    }
  });
  it('rejects a wrong CRC-32, in both codecs', async () => {
    const bad = Buffer.from(member);
    bad[bad.length - 6] = (bad[bad.length - 6] ?? 0) ^ 0xff;
    for (const codec of [nodeZlibCodec, fflateCodec]) {
      await expect(codec.gunzip(bad, 1 << 20)).rejects.toBeInstanceOf(CorruptGzipError);
    }
  });
});
