/**
 * The lake location, one name in every command: `--lake` (env `ACCESSLAKE_LAKE`), a folder or
 * `s3://bucket/prefix`. `--storage` / `ACCESSLAKE_STORAGE`, its older name in `serve` and `provision`,
 * still work as aliases and come back with a deprecation note for the caller to print or log.
 */
import { ConfigError } from '../errors/index.ts';

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
 * @throws {ConfigError} when `--lake` and `--storage` are both given and differ
 */
export function pickLakeLocation(flags: LakeFlags, env: Record<string, string | undefined>): LakeLocation {
  if (flags.lake !== undefined && flags.storage !== undefined && flags.lake !== flags.storage)
    throw new ConfigError(
      `--lake ${flags.lake} and --storage ${flags.storage} disagree: --storage is the old name of --lake, give only --lake`,
    );
  const deprecations: string[] = [];
  if (flags.storage !== undefined)
    deprecations.push('--storage is deprecated: use --lake (the same folder or s3://bucket/prefix)');
  if (flags.lake !== undefined) return { value: flags.lake, setting: '--lake', deprecations };
  if (flags.storage !== undefined) return { value: flags.storage, setting: '--storage', deprecations };
  if (env.ACCESSLAKE_LAKE) return { value: env.ACCESSLAKE_LAKE, setting: 'ACCESSLAKE_LAKE', deprecations };
  if (env.ACCESSLAKE_STORAGE) {
    deprecations.push('ACCESSLAKE_STORAGE is deprecated: use ACCESSLAKE_LAKE (the same value)');
    return { value: env.ACCESSLAKE_STORAGE, setting: 'ACCESSLAKE_STORAGE', deprecations };
  }
  return { value: undefined, setting: undefined, deprecations };
}
