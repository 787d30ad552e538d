import { describe, expect, it } from 'vitest';
import { hasMagic, segmentToRegExp } from '../../lib/glob/index.ts';

describe('glob without braces (nginx include, glob(3))', () => {
  it('treats { and } as plain characters', () => {
    expect(hasMagic('/etc/nginx/{a,b}.conf', { braces: false })).toBe(false);
    expect(segmentToRegExp('{a,b}*.conf', { braces: false }).test('{a,b}x.conf')).toBe(true);
    expect(segmentToRegExp('{a,b}*.conf', { braces: false }).test('a.conf')).toBe(false);
    // Escaped, so "x{2}" is not read as a RegExp quantifier.
    expect(segmentToRegExp('x{2}*', { braces: false }).test('x{2}.conf')).toBe(true);
    expect(segmentToRegExp('x{2}*', { braces: false }).test('xx.conf')).toBe(false);
  });

  it('still leaves dot files out unless the pattern starts with a dot', () => {
    expect(segmentToRegExp('*.conf', { braces: false }).test('.hidden.conf')).toBe(false);
    expect(segmentToRegExp('.*.conf', { braces: false }).test('.hidden.conf')).toBe(true);
  });
});
