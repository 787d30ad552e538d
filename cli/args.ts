import { parseArgs } from 'node:util';
import { ConfigError } from '../lib/errors/index.ts';
import {
  type FlagsOf,
  formatSettingsHelp,
  parseArgsOptions,
  type ResolvedSettings,
  resolveSettings,
  type SettingsTable,
} from '../lib/settings/index.ts';

/** What every command gets from the shell. */
export type CommandRunner = (argv: string[], env: Record<string, string | undefined>) => Promise<number>;

/** A command's settings table and the text of its `--help` around the generated option lines. */
export interface CommandSpec<T extends SettingsTable> {
  /** `accesslake query`: printed in front of error messages and deprecation notes. */
  name: string;
  /** The usage lines, `usage: accesslake …`. */
  usage: string;
  /** What the command does, before the options. */
  description: string;
  settings: T;
  /** Text after the options (environment-only settings, notes). */
  epilog?: string;
  positionals?: boolean;
}

/** `--help` for a command: usage, description, one line per setting (from the table), epilog. */
export function commandHelp(spec: CommandSpec<SettingsTable>): string {
  return [spec.usage, spec.description, `options:\n${formatSettingsHelp(spec.settings)}`, spec.epilog]
    .filter(Boolean)
    .join('\n\n');
}

export type ParsedCommand<T extends SettingsTable> =
  | { help: true }
  | { help: false; flags: FlagsOf<T> & { storage?: string }; positionals: string[] };

/**
 * node:util parseArgs over the table's flags, with errors turned into ConfigError, so a typo in a flag is
 * one clear line; `--help`/`-h` prints the generated help and tells the caller to stop.
 */
export function parseCommand<T extends SettingsTable>(
  spec: CommandSpec<T>,
  argv: string[],
): ParsedCommand<T> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...parseArgsOptions(spec.settings), help: { type: 'boolean', short: 'h' } },
      allowPositionals: spec.positionals ?? false,
      strict: true,
    });
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error });
  }
  if (parsed.values.help) {
    console.log(commandHelp(spec));
    return { help: true };
  }
  return { help: false, flags: parsed.values as FlagsOf<T>, positionals: parsed.positionals };
}

/**
 * Parses and resolves a command's settings (flag, environment, default; see lib/settings), printing any
 * deprecation note on stderr. Undefined when `--help` was asked for (and printed).
 */
export function readCommand<T extends SettingsTable>(
  spec: CommandSpec<T>,
  argv: string[],
  env: Record<string, string | undefined>,
): (ResolvedSettings<T> & { positionals: string[] }) | undefined {
  const parsed = parseCommand(spec, argv);
  if (parsed.help) return undefined;
  const resolved = resolveSettings(spec.settings, parsed.flags as Record<string, string>, env);
  for (const note of resolved.deprecations) console.error(`accesslake ${spec.name}: ${note}`);
  return { ...resolved, positionals: parsed.positionals };
}
