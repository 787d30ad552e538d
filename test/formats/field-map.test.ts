import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fieldMapBuilder, keyedBuilder, literalBuilder } from '../../formats/index.ts';

const variableName = fc.stringMatching(/^[a-z0-9_]{1,20}$/);
const value = fc.oneof(fc.string(), fc.constant('-'), fc.constant(''));

describe('field map builders', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('the one-literal builder and the key-by-key builder make the same map, keys in the same order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(variableName, { minLength: 1, maxLength: 24 }),
        fc.array(value),
        (keys, pool) => {
          const values = keys.map((_, i) => pool[i % Math.max(pool.length, 1)] ?? 'x');
          const literal = literalBuilder(keys)!(values);
          const keyed = keyedBuilder(keys)(values);
          // JavaScript puts integer-like keys (`$1`, a regex capture) first either way, and a string
          // stored as `__proto__` is no own key either way (the map has Object.prototype).
          expect(Object.keys(literal)).toEqual(Object.keys(keyed));
          if (!keys.some((key) => /^\d+$/.test(key) || key === '__proto__'))
            expect(Object.keys(literal)).toEqual(keys);
          expect(literal).toStrictEqual(keyed);
        },
      ),
    );
  });

  it('leaves out undefined slots only when asked (the absent $args of $uri$is_args$args)', () => {
    const keys = ['uri', 'args', 'status'];
    expect(Object.keys(keyedBuilder(keys, { skipUndefined: true })(['/a', undefined, '200']))).toEqual([
      'uri',
      'status',
    ]);
    expect(Object.keys(keyedBuilder(keys)(['/a', undefined, '200']))).toEqual(keys);
  });

  it('falls back to the key-by-key builder where the runtime refuses code generation (workerd)', () => {
    vi.stubGlobal('Function', () => {
      throw new EvalError('Code generation from strings disallowed for this context');
    });
    expect(literalBuilder(['status'])).toBeUndefined();
    const build = fieldMapBuilder(['remote_addr', 'status']);
    expect(build(['192.0.2.1', '200'])).toStrictEqual({ remote_addr: '192.0.2.1', status: '200' });
  });

  it('refuses a key that is not a variable name, so no text reaches the generated code', () => {
    expect(() => fieldMapBuilder(['status', 'a"]; x()//'])).toThrow(/not a variable name/);
  });
});
