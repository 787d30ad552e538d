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
  | { help: false; flags: FlagsOf<T>; positionals: string[] };

/**
 * node:util parseArgs over the table's flags, with errors turned into ConfigError, so a typo in a flag is
 * one clear line; `--help`/`-h` prints the generated help and tells the caller to stop.
 */
export function parseCommand<T extends SettingsTable>(
  spec: CommandSpec<T>,
  argv: string[],
): ParsedCommand<T> {
  const options = { ...parseArgsOptions(spec.settings), help: { type: 'boolean', short: 'h' } } as const;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: attachValues(argv, spec.settings, options),
      options,
      allowPositionals: spec.positionals ?? false,
      strict: true,
    });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError((error as Error).message, { cause: error });
  }
  if (parsed.values.help) {
    console.log(commandHelp(spec));
    return { help: true };
  }
  return { help: false, flags: parsed.values as FlagsOf<T>, positionals: parsed.positionals };
}

/**
 * Gives each flag that takes a value the next argument as `--flag=value`, the way getopt does, even when
 * it starts with "-" (`--batch-age -1s`, `--from -2h`): parseArgs refuses those as ambiguous in a
 * message of its own, where the setting's parser says what is wrong with the value and names the flag.
 * A missing value, or another option of the command in its place, is one ConfigError naming the flag.
 */
function attachValues(
  argv: string[],
  settings: SettingsTable,
  options: Record<string, { type: 'string' | 'boolean'; short?: string }>,
): string[] {
  const byShort = new Map(
    Object.entries(options).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])),
  );
  const nameOf = (arg: string): string | undefined => {
    if (arg.startsWith('--')) return arg.slice(2).split('=')[0];
    return arg.startsWith('-') ? byShort.get(arg.slice(1, 2)) : undefined;
  };
  const takesValue = (arg: string) =>
    (arg.startsWith('--') ? !arg.includes('=') : arg.length === 2) &&
    options[nameOf(arg) ?? '']?.type === 'string';
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return [...out, ...argv.slice(i)];
    if (!takesValue(arg)) {
      out.push(arg);
      continue;
    }
    const name = nameOf(arg)!;
    // The placeholder of the row (or of the row whose old name this is), as --help shows it.
    const row = settings[name] ?? Object.values(settings).find((s) => s.deprecated?.flag === name);
    const needs = `${arg} needs a value (${arg} ${row?.value ?? 'V'})`;
    const next = argv[i + 1];
    if (next === undefined) throw new ConfigError(needs);
    const nextName = next.length > 1 && next.startsWith('-') ? nameOf(next) : undefined;
    if (nextName !== undefined && options[nextName] !== undefined)
      throw new ConfigError(`${needs}, but the next argument is the option ${next}`);
    out.push(`--${name}=${next}`);
    i++;
  }
  return out;
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
