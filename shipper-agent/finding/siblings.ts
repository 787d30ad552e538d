/**
 * Rotated siblings of a tailed path: the names logrotate (and similar tools) give a log when it rotates
 * it, in the same directory. For `access.log`: `access.log.1`, `access.log.2`, `access.log-20250110`,
 * `access.log-20250110-1736500000`, `access.log.2025-01-10`, `access.log.old`, and with logrotate's
 * `extension .log` option `access-20250110.log` or `access.1.log`. Compressed ones (`.gz`, `.bz2`, `.xz`,
 * `.zst`, …) cannot be tailed and are never listed. See logrotate(8): `dateext`, `dateformat`, `extension`.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';

const COMPRESSED = /\.(gz|bz2|xz|zst|lz4|lzma|lz|z|zip|br|7z)$/i;
/** What logrotate appends: a number, a date (with optional time or counter), or `.old`. */
const SUFFIX = '(?:[.\\-_]\\d[\\d.\\-_]*|\\.old)';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether `name` (a file name in the same directory) is a rotated, uncompressed sibling of `tailed`. */
export function isRotatedSibling(tailed: string, name: string): boolean {
  if (COMPRESSED.test(name)) return false;
  const base = basename(tailed);
  if (name === base) return false;
  if (new RegExp(`^${escapeRegExp(base)}${SUFFIX}$`).test(name)) return true;
  const ext = extname(base);
  if (!ext || ext === base) return false;
  const stem = base.slice(0, -ext.length);
  return new RegExp(`^${escapeRegExp(stem)}${SUFFIX}${escapeRegExp(ext)}$`).test(name);
}

/** Whether `path` is one of `listed` or a rotated sibling of one (the same folder, a rotated name). */
export function isListedOrRotated(path: string, listed: ReadonlySet<string>): boolean {
  if (listed.has(path)) return true;
  for (const tailed of listed)
    if (dirname(tailed) === dirname(path) && isRotatedSibling(tailed, basename(path))) return true;
  return false;
}

/** Whether a name marks a compressed file. */
export function hasCompressedName(path: string): boolean {
  return COMPRESSED.test(path);
}

/**
 * The rotated siblings of each tailed path that exist now, with the tailed path they belong to (the
 * first one, when two could claim a name). A directory that cannot be listed has none.
 */
export async function listRotatedSiblings(tailed: Iterable<string>): Promise<Map<string, string>> {
  const byDir = new Map<string, string[]>();
  for (const path of tailed) {
    const dir = dirname(path);
    byDir.set(dir, [...(byDir.get(dir) ?? []), path]);
  }
  const siblings = new Map<string, string>();
  for (const [dir, paths] of byDir) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      const owner = paths.find((p) => isRotatedSibling(p, name));
      if (owner && !siblings.has(join(dir, name))) siblings.set(join(dir, name), owner);
    }
  }
  return siblings;
}
