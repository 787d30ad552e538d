import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIPv4, isIPv6 } from '../../ingest/records/ip.ts';

/** The earlier split-based isIPv6, kept as the reference the allocation-free scan must agree with. */
function referenceIsIPv6(value: string): boolean {
  const zone = value.indexOf('%');
  const address = zone === -1 ? value : value.slice(0, zone);
  const lastColon = address.lastIndexOf(':');
  if (lastColon === -1 || address.length > 45) return false;
  let hexPart = address;
  let groupBudget = 8;
  const tail = address.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!isIPv4(tail)) return false;
    groupBudget = 6;
    hexPart = address.slice(0, lastColon + 1);
    if (!hexPart.endsWith('::')) hexPart = hexPart.slice(0, -1);
  }
  const halves = hexPart.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  if (!groups.every((group) => /^[0-9a-fA-F]{1,4}$/.test(group))) return false;
  return halves.length === 1 ? groups.length === groupBudget : groups.length < groupBudget;
}

// Strings built from the characters that matter to the grammar, so most are near-misses of an address.
const piece = fc.constantFrom(
  '',
  '0',
  'f',
  'ffff',
  'FFFF',
  '12345',
  'g',
  ':',
  '::',
  ':::',
  '.',
  '1.2.3.4',
  '%eth0',
  '%',
);
const candidate = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));

describe('isIPv6', () => {
  it('agrees with the split-based reference on near-miss strings', () => {
    fc.assert(
      fc.property(candidate, (value) => {
        expect(isIPv6(value)).toBe(referenceIsIPv6(value));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with the reference on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), (value) => {
        expect(isIPv6(value)).toBe(referenceIsIPv6(value));
      }),
      { numRuns: 5_000 },
    );
  });

  it.each([
    ['::', true],
    ['::1', true],
    ['1::', true],
    ['1:2:3:4:5:6:7:8', true],
    ['1:2:3:4:5:6:7::', true],
    ['1:2:3:4:5:6:7:8::', false],
    ['::ffff:192.0.2.1', true],
    ['1:2:3:4:5:6:192.0.2.1', true],
    ['1:2:3:4:5:6::192.0.2.1', false],
    ['fe80::1%eth0', true],
    ['fe80::1%', true],
    [':1:2:3:4:5:6:7', false],
    ['1:2:3:4:5:6:7:', false],
    ['1::2::3', false],
    [':::', false],
    ['12345::', false],
  ])('%s → %s', (value, expected) => expect(isIPv6(value)).toBe(expected));
});

/** The earlier regex isIPv4, kept as the reference the char scan must agree with. */
const REFERENCE_IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ipv4Piece = fc.constantFrom(
  '',
  '0',
  '00',
  '01',
  '9',
  '10',
  '99',
  '100',
  '199',
  '249',
  '250',
  '255',
  '256',
  '300',
  '1000',
  '.',
  '..',
  'a',
  ' ',
  '-1',
  '+1',
);
const ipv4Candidate = fc.array(ipv4Piece, { maxLength: 9 }).map((parts) => parts.join(''));

describe('isIPv4', () => {
  it('agrees with the regex reference on near-miss strings (octets 0–255, no leading zeros)', () => {
    fc.assert(
      fc.property(ipv4Candidate, (value) => {
        expect(isIPv4(value)).toBe(REFERENCE_IPV4.test(value));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with the regex reference on dotted quads of any small numbers', () => {
    const octet = fc.oneof(fc.nat(999).map(String), fc.stringMatching(/^\d{1,4}$/));
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), (octets) => {
        const value = octets.join('.');
        expect(isIPv4(value)).toBe(REFERENCE_IPV4.test(value));
      }),
      { numRuns: 5_000 },
    );
  });
});
