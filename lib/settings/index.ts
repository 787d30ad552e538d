/**
 * Settings tables: each command's flags written once, as rows of flag, environment variable(s),
 * default, parser and help line. From one table come the `node:util` parseArgs options
 * ({@link parseArgsOptions}), the resolved values and their TypeScript types ({@link resolveSettings},
 * {@link SettingsOf}), the options part of `--help` ({@link formatSettingsHelp}) and the Markdown table
 * in docs/configuration.md ({@link formatSettingsMarkdown}).
 *
 * Resolution order, as everywhere in accesslake: the flag, then its deprecated alias flag, then each
 * environment variable in order, then the deprecated alias variable, then the default. A value is parsed
 * with the row's parser and the name of the setting it came from (`--port` or `ACCESSLAKE_PORT`), so a
 * bad value fails start-up with a {@link ConfigError} naming what the user wrote.
 */
import { ConfigError } from '../errors/index.ts';
import { splitList } from '../list/index.ts';

/** One row of a settings table; the row's key in the table is its flag name without `--`. */
export interface Setting<T = unknown> {
  /**
   * `string` (the default) takes a value; `boolean` is a switch, whose environment variable (when it has
   * one) reads `true`/`1` or `false`/`0`.
   */
  readonly type?: 'string' | 'boolean';
  /** Repeatable flag; its environment variable is comma-separated. */
  readonly multiple?: boolean;
  /** One-letter short flag. */
  readonly short?: string;
  /** Environment variables, first found wins (e.g. `ACCESSLAKE_S3_REGION`, then `AWS_REGION`). */
  readonly env?: readonly string[];
  /** The value used when none is given, as a user would write it (`16MiB`); parsed like a given one. */
  readonly default?: string;
  /** Shown as the default in help and docs when the default is not a fixed string ("the lake folder"). */
  readonly defaultNote?: string;
  /** Placeholder for the value in help: `--port P`. */
  readonly value?: string;
  /** One line (or a few) saying what the setting does. */
  readonly help: string;
  /** Turns the raw string into the setting's value; throws ConfigError naming `setting`. */
  readonly parse?: (raw: string, setting: string) => T;
  /** An older name kept working with a deprecation note. */
  readonly deprecated?: { readonly flag?: string; readonly env?: string; readonly note?: string };
}

export type SettingsTable = Readonly<Record<string, Setting>>;

type ParsedOf<S> = S extends { parse: (raw: string, setting: string) => infer T } ? T : string;

/** The resolved value's type of one row: booleans are booleans, lists are arrays, defaults are present. */
export type SettingValue<S> = S extends { type: 'boolean' }
  ? boolean
  : S extends { multiple: true }
    ? string[]
    : S extends { default: string }
      ? ParsedOf<S>
      : ParsedOf<S> | undefined;

/** The values {@link resolveSettings} returns for a table. */
export type SettingsOf<T extends SettingsTable> = { -readonly [K in keyof T]: SettingValue<T[K]> };

type FlagValue<S> = S extends { type: 'boolean' }
  ? boolean
  : S extends { multiple: true }
    ? string[]
    : string;

/**
 * The raw flags parseArgs returns for a table (what the user typed, nothing resolved), deprecated alias
 * flags (`storage` for `lake`) included.
 */
export type FlagsOf<T extends SettingsTable> = {
  -readonly [K in keyof T]?: FlagValue<T[K]> | undefined;
} & {
  -readonly [K in keyof T as T[K] extends { deprecated: { flag: infer F extends string } } ? F : never]?:
    | FlagValue<T[K]>
    | undefined;
};

/** Keeps the table's literal types (so {@link SettingsOf} can see defaults and parsers). */
export function defineSettings<const T extends SettingsTable>(table: T): T {
  return table;
}

type ParseArgsOption = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };

/** The `options` argument of `node:util` parseArgs for a table, deprecated alias flags included. */
export function parseArgsOptions(table: SettingsTable): Record<string, ParseArgsOption> {
  const options: Record<string, ParseArgsOption> = {};
  for (const [flag, s] of Object.entries(table)) {
    const option: ParseArgsOption = { type: s.type ?? 'string' };
    if (s.multiple) option.multiple = true;
    if (s.short) option.short = s.short;
    options[flag] = option;
    if (s.deprecated?.flag)
      options[s.deprecated.flag] = { type: option.type, ...(s.multiple ? { multiple: true } : {}) };
  }
  return options;
}

export interface ResolvedSettings<T extends SettingsTable> {
  values: SettingsOf<T>;
  /** Where each value came from (`--lake`, `ACCESSLAKE_LAKE`), undefined for a default or nothing. */
  sources: { [K in keyof T]?: string };
  /** One line per deprecated name used, for the caller to print or log. */
  deprecations: string[];
}

type Env = Record<string, string | undefined>;

/**
 * Resolves every row of `table` from the parsed flags and the environment.
 * @param flags what parseArgs returned for {@link parseArgsOptions}(table) (alias flags included)
 * @throws {ConfigError} a parser's error, or a flag and its deprecated alias both given and different
 */
export function resolveSettings<T extends SettingsTable>(
  table: T,
  flags: Record<string, string | boolean | string[] | undefined>,
  env: Env,
): ResolvedSettings<T> {
  const values: Record<string, unknown> = {};
  const sources: Record<string, string | undefined> = {};
  const deprecations: string[] = [];
  for (const [name, s] of Object.entries(table)) {
    const picked = pick(name, s, flags, env, deprecations);
    sources[name] = picked.setting;
    if (s.type === 'boolean')
      values[name] =
        typeof picked.raw === 'string' ? parseSwitch(picked.raw, picked.setting!) : picked.raw === true;
    else if (s.multiple)
      values[name] = Array.isArray(picked.raw) ? picked.raw : splitList(picked.raw as string | undefined);
    else if (picked.raw === undefined)
      values[name] = s.default === undefined ? undefined : (s.parse?.(s.default, `--${name}`) ?? s.default);
    else values[name] = s.parse ? s.parse(picked.raw as string, picked.setting!) : picked.raw;
  }
  return {
    values: values as SettingsOf<T>,
    sources: sources as ResolvedSettings<T>['sources'],
    deprecations,
  };
}

function pick(
  name: string,
  s: Setting,
  flags: Record<string, string | boolean | string[] | undefined>,
  env: Env,
  deprecations: string[],
): { raw: string | boolean | string[] | undefined; setting: string | undefined } {
  const given = flags[name];
  const alias = s.deprecated?.flag;
  const aliasGiven = alias === undefined ? undefined : flags[alias];
  if (given !== undefined && aliasGiven !== undefined && String(given) !== String(aliasGiven))
    throw new ConfigError(
      `--${name} ${String(given)} and --${alias} ${String(aliasGiven)} disagree: --${alias} is the old name of --${name}, give only --${name}`,
    );
  if (aliasGiven !== undefined)
    deprecations.push(
      `--${alias} is deprecated: use --${name}${s.deprecated?.note ? ` (${s.deprecated.note})` : ''}`,
    );
  if (given !== undefined && !(Array.isArray(given) && given.length === 0))
    return { raw: given, setting: `--${name}` };
  if (aliasGiven !== undefined) return { raw: aliasGiven, setting: `--${alias}` };
  for (const variable of s.env ?? []) {
    const value = env[variable];
    // An empty variable counts as unset, as a shell's `VAR=` usually means "no value".
    if (value !== undefined && value !== '') return { raw: value, setting: variable };
  }
  const oldVariable = s.deprecated?.env;
  if (oldVariable !== undefined && env[oldVariable]) {
    const primary = s.env?.[0];
    deprecations.push(`${oldVariable} is deprecated: use ${primary ?? `--${name}`} (the same value)`);
    return { raw: env[oldVariable], setting: oldVariable };
  }
  return { raw: undefined, setting: undefined };
}

/** A switch's environment variable: `true`/`1` or `false`/`0`. */
function parseSwitch(raw: string, setting: string): boolean {
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${setting}=${JSON.stringify(raw)} must be true or false`);
}

/** The option lines of `--help`: flag and placeholder, then the help line with environment and default. */
export function formatSettingsHelp(table: SettingsTable): string {
  const heads = Object.entries(table).map(([flag, s]) => {
    const short = s.short ? `-${s.short}, ` : '';
    return `  ${short}--${flag}${s.type === 'boolean' ? '' : ` ${s.value ?? 'V'}`}`;
  });
  const width = Math.min(32, Math.max(...heads.map((h) => h.length)) + 2);
  return Object.values(table)
    .map((s, i) => {
      const head = heads[i]!;
      const extras = [
        s.env?.length ? `env ${s.env.join(', ')}` : '',
        defaultShown(s) === 'required' ? 'required' : defaultShown(s) ? `default ${defaultShown(s)}` : '',
        s.multiple ? 'repeatable' : '',
        s.deprecated?.flag ? `old name --${s.deprecated.flag}` : '',
      ].filter(Boolean);
      const text = `${s.help}${extras.length ? ` (${extras.join('; ')})` : ''}`;
      const pad = head.length + 2 <= width ? head.padEnd(width) : `${head}\n${' '.repeat(width)}`;
      return `${pad}${text.replaceAll('\n', `\n${' '.repeat(width)}`)}`;
    })
    .join('\n');
}

/** The Markdown table for docs/configuration.md: flag, environment, default, meaning. */
export function formatSettingsMarkdown(table: SettingsTable): string {
  const rows = Object.entries(table).map(([flag, s]) => {
    const flagCell = `\`--${flag}\`${s.multiple ? ' (repeatable)' : ''}${s.deprecated?.flag ? ` (old: \`--${s.deprecated.flag}\`)` : ''}`;
    const envCell = s.env?.length
      ? `${s.env.map((v) => `\`${v}\``).join(', ')}${s.multiple ? ' (comma-separated)' : ''}${s.deprecated?.env ? ` (old: \`${s.deprecated.env}\`)` : ''}`
      : '';
    const shown = defaultShown(s);
    const defaultCell = shown ? (s.default !== undefined ? `\`${shown}\`` : shown) : '';
    return `| ${flagCell} | ${envCell} | ${defaultCell} | ${s.help.replaceAll('\n', ' ').replaceAll('|', '\\|')} |`;
  });
  return ['| flag | environment | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

function defaultShown(s: Setting): string | undefined {
  return s.defaultNote ?? s.default;
}

/**
 * A parser accepting one of `choices`: `oneOf(['duckdb', 'athena'])` refuses `"x"` with
 * `--engine: "x" is not duckdb or athena`.
 */
export function oneOf<const C extends readonly string[]>(
  choices: C,
): (raw: string, setting: string) => C[number] {
  const listed = choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}` : choices[0];
  return (raw, setting) => {
    if ((choices as readonly string[]).includes(raw)) return raw as C[number];
    throw new ConfigError(`${setting}: ${JSON.stringify(raw)} is not ${listed}`);
  };
}
