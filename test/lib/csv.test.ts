import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../lib/csv/index.ts';

describe('toCsv', () => {
  it('writes RFC 4180: header, CRLF after every record, quoting only where needed', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          { a: 1, b: 'x,y' },
          { a: null, b: 'say "hi"\nbye' },
        ],
      ),
    ).toBe('a,b\r\n1,"x,y"\r\n,"say ""hi""\nbye"\r\n');
  });

  it('writes NULL as an empty field, objects as JSON, dates as ISO-8601, bigints as digits', () => {
    expect(csvField(undefined)).toBe('');
    expect(csvField({ k: [1n, 2] })).toBe('"{""k"":[""1"",2]}"');
    expect(csvField(new Date(Date.UTC(2025, 0, 10)))).toBe('2025-01-10T00:00:00.000Z');
    expect(csvField(12n)).toBe('12');
  });

  it('quotes a field holding a bare carriage return', () => {
    expect(csvField('a\rb')).toBe('"a\rb"');
  });
});
