import { describe, expect, it } from 'vitest';
import { formatByteSize, formatBytes, parseBytes } from '../../lib/bytes/index.ts';

describe('parseBytes', () => {
  it('reads binary and decimal units', () => {
    expect(parseBytes('8MiB', '--x')).toBe(8 * 1024 ** 2);
    expect(parseBytes('512k', '--x')).toBe(512 * 1024);
    expect(parseBytes('10GB', '--x')).toBe(10_000_000_000);
    expect(parseBytes('1000000', '--x')).toBe(1_000_000);
  });

  it('refuses what is not a size, naming the setting', () => {
    expect(() => parseBytes('big', 'ACCESSLAKE_MAX_BODY_BYTES')).toThrow(
      /^ACCESSLAKE_MAX_BODY_BYTES: "big" is not a size/,
    );
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [123_456_789, '117.7 MiB'],
    [3 * 1024 ** 3, '3.0 GiB'],
    [-2048, '-2.0 KiB'],
  ])('writes %d as %j', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('formatByteSize', () => {
  it('writes a size as a setting would, in the largest binary unit that divides it, and reads back', () => {
    expect(formatByteSize(16 * 1024 ** 2)).toBe('16MiB');
    expect(formatByteSize(64 * 1024)).toBe('64KiB');
    expect(formatByteSize(2 * 1024 ** 3)).toBe('2GiB');
    expect(formatByteSize(1536 * 1024)).toBe('1536KiB');
    expect(formatByteSize(1000)).toBe('1000');
    expect(formatByteSize(0)).toBe('0');
    for (const bytes of [1, 1000, 1024, 1536 * 1024, 8 * 1024 ** 2, 10_000_000])
      expect(parseBytes(formatByteSize(bytes), 'x')).toBe(bytes);
  });
});
