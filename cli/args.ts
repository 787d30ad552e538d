import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ConfigError } from '../lib/errors/index.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs with errors turned into ConfigError, so a typo in a flag is one clear line, and
 * `--help` handled by the caller.
 */
export function parseFlags<T extends Options>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error });
  }
}
