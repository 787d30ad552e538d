import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { BatchReader, RangeGoneError } from '../../../shipper-agent/reading/reader.ts';
import { test } from '../fixtures.ts';

const limits = { maxBytes: 1 << 20, maxLines: Number.POSITIVE_INFINITY, maxLineBytes: 1000 };

async function withFile<T>(
  dir: string,
  bytes: Uint8Array | string,
  fn: (h: Awaited<ReturnType<typeof open>>, size: number) => Promise<T>,
) {
  const path = join(dir, 'access.log');
  await writeFile(path, bytes);
  const handle = await open(path, 'r');
  try {
    return await fn(handle, (await handle.stat()).size);
  } finally {
    await handle.close();
  }
}

describe('BatchReader', () => {
  test('returns lines byte for byte as written, CRLF and invalid UTF-8 included', async ({ dir }) => {
    const bytes = Buffer.concat([
      Buffer.from('a\r\n'),
      Buffer.from([0xff, 0xfe, 0x0a]),
      Buffer.from('é ü\n'),
    ]);
    await withFile(dir, bytes, async (handle, size) => {
      const batch = await new BatchReader(4096).read(handle, 0, size, limits, false);
      expect(batch).toMatchObject({ start: 0, end: size, lines: 3, cutLines: 0 });
      expect(Buffer.compare(batch!.body, bytes)).toBe(0);
    });
  });

  test('leaves a partial last line for later, and ships it once the file is final', async ({ dir }) => {
    await withFile(dir, 'one\ntwo\nthr', async (handle, size) => {
      const reader = new BatchReader(4096);
      const batch = await reader.read(handle, 0, size, limits, false);
      expect(batch!.body.toString()).toBe('one\ntwo\n');
      expect(batch!.end).toBe(8);
      expect(await reader.read(handle, 8, size, limits, false)).toBeNull();
      const last = await reader.read(handle, 8, size, limits, true);
      expect(last).toMatchObject({ start: 8, end: size, lines: 1 });
      expect(last!.body.toString()).toBe('thr\n');
    });
  });

  test('cuts an overlong line, counts it, and never merges it with the next line', async ({ dir }) => {
    const text = `short\n${'x'.repeat(50)}\nnext\n`;
    await withFile(dir, text, async (handle, size) => {
      const batch = await new BatchReader(4096).read(handle, 0, size, { ...limits, maxLineBytes: 10 }, false);
      expect(batch!.body.toString()).toBe(`short\n${'x'.repeat(10)}\nnext\n`);
      expect(batch).toMatchObject({ lines: 3, cutLines: 1, end: size });
    });
  });

  test('skips the rest of an overlong line that runs past the buffer, up to its newline', async ({ dir }) => {
    const text = `${'y'.repeat(300)}\nafter\n`;
    await withFile(dir, text, async (handle, size) => {
      const reader = new BatchReader(64);
      const small = { maxBytes: 64, maxLines: Number.POSITIVE_INFINITY, maxLineBytes: 20 };
      const first = await reader.read(handle, 0, size, small, false);
      expect(first!.body.toString()).toBe(`${'y'.repeat(20)}\n`);
      expect(first).toMatchObject({ start: 0, end: 301, lines: 1, cutLines: 1 });
      const second = await reader.read(handle, first!.end, size, small, false);
      expect(second!.body.toString()).toBe('after\n');
    });
  });

  test('closes a batch before an overlong line that runs past the buffer', async ({ dir }) => {
    const text = `ok\n${'z'.repeat(300)}\n`;
    await withFile(dir, text, async (handle, size) => {
      const small = { maxBytes: 64, maxLines: Number.POSITIVE_INFINITY, maxLineBytes: 20 };
      const batch = await new BatchReader(64).read(handle, 0, size, small, false);
      expect(batch!.body.toString()).toBe('ok\n');
      expect(batch!.end).toBe(3);
    });
  });

  test('waits for the newline of an overlong line that has none yet', async ({ dir }) => {
    await withFile(dir, 'w'.repeat(300), async (handle, size) => {
      const small = { maxBytes: 64, maxLines: Number.POSITIVE_INFINITY, maxLineBytes: 20 };
      expect(await new BatchReader(64).read(handle, 0, size, small, false)).toBeNull();
      const final = await new BatchReader(64).read(handle, 0, size, small, true);
      expect(final).toMatchObject({ end: 300, lines: 1, cutLines: 1 });
    });
  });

  test('stops at maxLines and at maxBytes on a line boundary', async ({ dir }) => {
    await withFile(dir, 'a\nbb\nccc\ndddd\n', async (handle, size) => {
      const reader = new BatchReader(4096);
      const byLines = await reader.read(handle, 0, size, { ...limits, maxLines: 2 }, false);
      expect(byLines!.body.toString()).toBe('a\nbb\n');
      const byBytes = await reader.read(handle, 0, size, { ...limits, maxBytes: 7, maxLineBytes: 5 }, false);
      expect(byBytes!.body.toString()).toBe('a\nbb\n');
    });
  });

  test('readRange gives back the same bytes for a range read before, and fails when they are gone', async ({
    dir,
  }) => {
    const text = `l1\n${'q'.repeat(40)}\nl3\n`;
    await withFile(dir, text, async (handle, size) => {
      const reader = new BatchReader(4096);
      const cut = { ...limits, maxLineBytes: 8 };
      const batch = await reader.read(handle, 0, size, cut, false);
      const original = Buffer.from(batch!.body);
      const again = await reader.readRange(handle, batch!.start, batch!.end, 8);
      expect(Buffer.compare(again.body, original)).toBe(0);
      expect(again.lines).toBe(batch!.lines);
      await expect(reader.readRange(handle, 0, size + 10, 8)).rejects.toBeInstanceOf(RangeGoneError);
    });
  });

  test('consecutive batches cover every line once, cut at the cap (property)', async ({ dir }) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ maxLength: 90, unit: fc.constantFrom('a', 'b', 'é', ' ', '"') }), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 8, max: 40 }),
        fc.integer({ min: 1, max: 7 }),
        async (lines, maxLineBytes, maxLines) => {
          const text = lines.map((l) => `${l}\n`).join('');
          const expected = lines.map((l) => {
            const bytes = Buffer.from(l);
            return Buffer.concat([bytes.subarray(0, maxLineBytes), Buffer.from('\n')]);
          });
          await withFile(dir, text, async (handle, size) => {
            const reader = new BatchReader(64);
            const got: Buffer[] = [];
            let pos = 0;
            while (pos < size) {
              const batch = await reader.read(
                handle,
                pos,
                size,
                { maxBytes: 64, maxLines, maxLineBytes },
                false,
              );
              expect(batch).not.toBeNull();
              got.push(Buffer.from(batch!.body));
              pos = batch!.end;
            }
            expect(Buffer.concat(got).equals(Buffer.concat(expected))).toBe(true);
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});
