/**
 * The lake location, one name in every command: `--lake` (env `ACCESSLAKE_LAKE`), a folder or
 * `s3://bucket/prefix`. `--storage` / `ACCESSLAKE_STORAGE`, its older name in `serve` and `provision`,
 * still work as aliases and come back with a deprecation note for the caller to print or log.
 */
import { defineSettings, resolveSettings } from '../settings/index.ts';

/** The settings-table row every command that reads or writes the lake uses (with its own default). */
export const LAKE_SETTING = {
  env: ['ACCESSLAKE_LAKE'],
  value: 'DIR|s3://bucket/prefix',
  help: 'the lake: a folder (./lake, file:///abs/path) or s3://bucket/prefix',
  deprecated: { flag: 'storage', env: 'ACCESSLAKE_STORAGE', note: 'the same folder or s3://bucket/prefix' },
} as const;

const LAKE_ONLY = defineSettings({ lake: LAKE_SETTING });

export interface LakeFlags {
  lake?: string | undefined;
  storage?: string | undefined;
}

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
