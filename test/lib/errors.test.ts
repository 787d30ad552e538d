import { describe, expect, it } from 'vitest';
import { ConfigError, describeError } from '../../lib/errors/index.ts';

describe('describeError', () => {
  it('names the cause when it adds something', () => {
    const error = new ConfigError('cannot read state', { cause: new Error('EACCES: permission denied') });
    expect(describeError(error)).toBe('cannot read state (cause: EACCES: permission denied)');
  });

  it('does not repeat a cause that only restates the message', () => {
    const error = new ConfigError("Unknown option '--bogus'", {
      cause: new TypeError("Unknown option '--bogus'"),
    });
    expect(describeError(error)).toBe("Unknown option '--bogus'");
  });
});
