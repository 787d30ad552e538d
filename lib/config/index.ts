/**
 * Settings rows several commands share (lib/settings). The lake location, one name in every command:
 * `--lake` (env `ACCESSLAKE_LAKE`), a folder or `s3://bucket/prefix`; `--storage` / `ACCESSLAKE_STORAGE`,
 * its older name in `serve` and `provision`, still work as aliases and come back with a deprecation note
 * for the caller to print or log. And the AWS region of the commands that call Athena, Glue or S3.
 */
import { defineSettings, type FlagsOf, resolveSettings } from '../settings/index.ts';

/** The settings-table row every command that reads or writes the lake uses (with its own default). */
export const LAKE_SETTING = {
  env: ['ACCESSLAKE_LAKE'],
  value: 'DIR|s3://bucket/prefix',
  help: 'the lake: a folder (./lake, file:///abs/path) or s3://bucket/prefix',
  deprecated: { flag: 'storage', env: 'ACCESSLAKE_STORAGE', note: 'the same folder or s3://bucket/prefix' },
} as const;

/** `--lake`, with `./lake` (relative to the working directory) when none is given. */
export const LAKE_FOLDER_DEFAULT = { ...LAKE_SETTING, default: './lake' } as const;

/** `--region`: the AWS SDK's own variables, in the SDK's order, and its usual default. */
export const AWS_REGION_SETTING = {
  env: ['AWS_REGION', 'AWS_DEFAULT_REGION'],
  default: 'us-east-1',
  value: 'R',
  help: 'AWS region',
} as const;

const LAKE_ONLY = defineSettings({ lake: LAKE_SETTING });

export type LakeFlags = FlagsOf<typeof LAKE_ONLY>;

export interface LakeLocation {
  /** The location as given, or undefined when none was. */
  value: string | undefined;
  /** Where it came from, for error messages: `--lake`, `ACCESSLAKE_LAKE`, or a deprecated alias. */
  setting: '--lake' | '--storage' | 'ACCESSLAKE_LAKE' | 'ACCESSLAKE_STORAGE' | undefined;
  /** One line per deprecated alias used. */
  deprecations: string[];
}

/**
 * Flags win over the environment; `--lake` over `--storage`, `ACCESSLAKE_LAKE` over `ACCESSLAKE_STORAGE`.
 * The runtimes (Lambda, Deno, Workers) call this with the environment only; the CLI resolves the same
 * row through its command's settings table.
 * @throws {ConfigError} when `--lake` and `--storage` are both given and differ
 */
export function pickLakeLocation(flags: LakeFlags, env: Record<string, string | undefined>): LakeLocation {
  const { values, sources, deprecations } = resolveSettings(LAKE_ONLY, { ...flags }, env);
  return { value: values.lake, setting: sources.lake as LakeLocation['setting'], deprecations };
}
