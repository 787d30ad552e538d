/**
 * Before DuckDB reads a local lake: a folder that does not exist, or holds no data, is almost always a
 * mistyped `--lake`. DuckDB itself would answer "0 rows" over it, so say so and let the command fail.
 */
import { opendir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PREFIXES } from '../lake-contract/index.ts';
import { ConfigError } from '../lib/errors/index.ts';

/**
 * @param lake the folder (path or `file://` URL) as the user gave it
 * @param setting where it came from (`--lake`, `ACCESSLAKE_LAKE`, or "the default ./lake")
 * @throws {ConfigError} for an `s3://` lake (DuckDB here reads folders), a missing folder, or one
 *   without any `access_logs/…/*.jsonl.gz` object
 */
export async function checkLocalLake(lake: string, setting = '--lake'): Promise<void> {
  if (lake.startsWith('s3://'))
    throw new ConfigError(
      `${setting} ${lake}: DuckDB reads a local lake folder; for a lake in S3 use --engine athena`,
    );
  const root = lake.startsWith('file://') ? fileURLToPath(lake) : resolve(lake);
  const info = await stat(root).catch(() => undefined);
  if (!info)
    throw new ConfigError(
      `the lake folder ${lake} (${setting}) does not exist: pass --lake with the folder that accesslake serve or up writes`,
    );
  if (!info.isDirectory()) throw new ConfigError(`the lake ${lake} (${setting}) is not a folder`);
  if (!(await holdsObject(join(root, DEFAULT_PREFIXES.data))))
    throw new ConfigError(
      `the lake folder ${lake} (${setting}) holds no data (no ${DEFAULT_PREFIXES.data}/…/*.jsonl.gz objects): is --lake right? Ship some logs first (accesslake up, or an agent and accesslake serve)`,
    );
}

/** Whether any `.jsonl.gz` lies under `dir`; stops at the first one. */
async function holdsObject(dir: string): Promise<boolean> {
  const folder = await opendir(dir).catch(() => undefined);
  if (!folder) return false;
  for await (const entry of folder) {
    // Leaving a for-await loop closes the folder.
    if (entry.isFile() && entry.name.endsWith('.jsonl.gz')) return true;
    if (entry.isDirectory() && (await holdsObject(join(dir, entry.name)))) return true;
  }
  return false;
}
