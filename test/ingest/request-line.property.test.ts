import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseRequestLine,
  type RequestLine,
  splitAbsoluteTarget,
} from '../../ingest/records/request-line.ts';

const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HTTP_VERSION = /^HTTP\/\d+(?:\.\d+)?$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** The earlier regex-and-slice parser, kept as the reference the single char scan must agree with. */
function referenceParseRequestLine(text: string): RequestLine | null {
  const isBlank = (c: number) => c === 0x20 || c === 0x09;
  let from = 0;
  let to = text.length;
  while (from < to && isBlank(text.charCodeAt(from))) from++;
  while (to > from && isBlank(text.charCodeAt(to - 1))) to--;
  let space = from;
  while (space < to && text.charCodeAt(space) !== 0x20) space++;
  if (space === from || space === to) return null;
  const method = text.slice(from, space);
  if (!HTTP_TOKEN.test(method)) return null;
  let end = to;
  let protocol: string | null = null;
  let last = to;
  while (last > space && text.charCodeAt(last - 1) !== 0x20) last--;
  if (last > space && HTTP_VERSION.test(text.slice(last, to))) {
    protocol = text.slice(last, to);
    end = last;
  }
  let start = space;
  while (start < end && text.charCodeAt(start) === 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) === 0x20) end--;
  if (start === end) return null;
  const target = text.slice(start, end);
  const upper = method.toUpperCase();
  if (target.charCodeAt(0) === 0x2f || target === '*')
    return { method: upper, path: target, protocol, host: null };
  if (SCHEME.test(target)) return { method: upper, ...splitAbsoluteTarget(target), protocol };
  if (upper === 'CONNECT' && !target.includes(' '))
    return { method: upper, path: target, protocol, host: null };
  return null;
}

// Words from the grammar's edges: methods in any case, versions near HTTP/x.y, targets of every form.
const word = fc.constantFrom(
  'GET',
  'get',
  'Get',
  'POST',
  'HEAD',
  'head',
  'CONNECT',
  'connect',
  'PROPFIND',
  'G@T',
  'GE\tT',
  '\x16\x03\x01',
  'HTTP/1.1',
  'HTTP/1.0',
  'HTTP/2.0',
  'HTTP/3.0',
  'HTTP/0.9',
  'HTTP/2',
  'HTTP/1.',
  'HTTP/.1',
  'HTTP/',
  'http/1.1',
  'HTTP/10.25',
  'HTTPS/1.1',
  '/',
  '/a b',
  '/x?y=1',
  '*',
  'https://Www.Example.com:8443/p?q',
  'http://[::1]:80',
  'ftp://u@h',
  'example.com:443',
  'a',
  '-',
  '',
  ' ',
  '  ',
  '\t',
);
const requestText = fc.array(word, { maxLength: 6 }).map((words) => words.join(' '));

describe('parseRequestLine', () => {
  it("agrees with the earlier regex parser on request lines built from the grammar's edges", () => {
    fc.assert(
      fc.property(requestText, (text) => {
        expect(parseRequestLine(text)).toEqual(referenceParseRequestLine(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with the earlier regex parser on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        expect(parseRequestLine(text)).toEqual(referenceParseRequestLine(text));
      }),
      { numRuns: 5_000 },
    );
  });
});
