/**
 * Just enough glob for log paths and nginx includes: `*`, `?`, `[abc]`/`[!abc]` and (unless `braces` is
 * false) `{a,b}` within one path segment, in any segment, directories included (`/var/log/nginx/*.log`,
 * `/var/log/{api,www}/access.log`). `*` does not match a leading dot, as in the shell. No `**`: log
 * directories are flat, and a recursive walk on every poll would not be. Used by the agent's discovery and
 * by the nginx.conf reader (`include`, which nginx expands with glob(3): no braces).
 */
import { readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';

export interface GlobOptions {
  /** `{a,b}` alternation, as the shell has it. Default true; nginx's glob(3) has none. */
  braces?: boolean;
}

export function hasMagic(pattern: string, options: GlobOptions = {}): boolean {
  return (options.braces ?? true) ? /[*?[{]/.test(pattern) : /[*?[]/.test(pattern);
}

/** One path segment's pattern as an anchored RegExp. */
export function segmentToRegExp(segment: string, options: GlobOptions = {}): RegExp {
  const withBraces = options.braces ?? true;
  let source = '';
  let braces = 0;
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close === -1) source += '\\[';
      else {
        let body = segment.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        source += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (c === '{' && withBraces) {
      braces++;
      source += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      source += ')';
    } else if (c === ',' && braces > 0) source += '|';
    else source += c.replace(/[.+^$()|\\/{}]/g, '\\$&');
  }
  if (braces > 0) throw new SyntaxError(`unclosed "{" in ${JSON.stringify(segment)}`);
  // Like the shell, a wildcard does not match a leading dot unless the pattern starts with one.
  const hidden = segment.startsWith('.') ? '' : '(?!\\.)';
  return new RegExp(`^${hidden}${source}$`);
}

/**
 * The paths an absolute pattern matches now, sorted. Directories that cannot be read are skipped, like
 * the shell does; a pattern without magic is returned as is, whether it exists or not.
 */
export async function expandGlob(pattern: string, options: GlobOptions = {}): Promise<string[]> {
  if (!hasMagic(pattern, options)) return [pattern];
  const segments = pattern.split(sep);
  let bases = [segments[0] === '' ? sep : segments[0]!];
  for (const [index, segment] of segments.slice(1).entries()) {
    if (segment === '') continue;
    const last = index === segments.length - 2;
    const next: string[] = [];
    if (!hasMagic(segment, options)) {
      for (const base of bases) next.push(join(base, segment));
    } else {
      const matcher = segmentToRegExp(segment, options);
      for (const base of bases) {
        const entries = await readdir(base, { withFileTypes: true }).catch(() => []);
        for (const entry of entries) {
          // Only directories lead on; the last segment may name files (or symlinks, checked later).
          if (matcher.test(entry.name) && (last || entry.isDirectory() || entry.isSymbolicLink()))
            next.push(join(base, entry.name));
        }
      }
    }
    bases = next;
    if (bases.length === 0) break;
  }
  return bases.sort();
}

/** The directory above the first segment with magic: where new matches appear. */
export function globBase(pattern: string): string {
  const segments = pattern.split(sep);
  const firstMagic = segments.findIndex((s) => hasMagic(s));
  const fixed = firstMagic === -1 ? segments.slice(0, -1) : segments.slice(0, firstMagic);
  return fixed.join(sep) || sep;
}
