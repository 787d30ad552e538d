/**
 * AGENT-SIDE ONLY (uses node:fs): reads an nginx.conf and everything it includes, and returns the
 * `log_format` definitions and `access_log` directives, so `accesslake agent --nginx-conf` can find the
 * files to tail and the format of each without the user copying formats by hand. The ingest core never
 * imports this file; the tokenizer it builds on (`parse.ts`) is web-standard. Import it as `formats/nginx-conf/index.ts`.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../../lib/errors/index.ts';
import { expandGlob, hasMagic } from '../../lib/glob/index.ts';
import { type EscapeMode, toLogFormatSpec } from '../log-format-spec.ts';
import { COMBINED_LOG_FORMAT } from '../registry.ts';
import { NginxConfSyntaxError, type NginxDirective, parseNginxConf } from './parse.ts';

export { NginxConfSyntaxError, parseNginxConf } from './parse.ts';

/** A `log_format name [escape=…] 'string' …;` definition. */
export interface NginxLogFormat {
  name: string;
  escape: EscapeMode;
  /** The strings concatenated, escapes resolved: what nginx compiles. */
  format: string;
  /** What to pass as `--format` / `X-Log-Format` (`resolveLineParser` accepts it). */
  spec: string;
  file: string;
  line: number;
}

/** An `access_log path [format [params…]];` directive (never `off`, which only disables logging). */
export interface NginxAccessLog {
  /** Absolute path; relative paths are resolved against `options.prefix`. */
  path: string;
  /** The format name; nginx's default is `combined`. */
  format: string;
  /** What to pass as `--format` for this file. */
  spec: string;
  /** Parameters after the format (`buffer=32k`, `gzip`, `if=$loggable`, …) as written. */
  params: string[];
  /** The path contains nginx variables (`/var/log/nginx/$host.log`): one directive, many files. */
  hasVariables: boolean;
  file: string;
  line: number;
}

export interface NginxConf {
  /** Every `log_format` by name, including nginx's built-in `combined`. */
  formats: Map<string, NginxLogFormat>;
  /** Every `access_log` that writes to a file, in config order, duplicates (same path and format) removed. */
  accessLogs: NginxAccessLog[];
  /** The number of `access_log off;` directives seen. */
  disabled: number;
  /** Things the agent cannot follow (syslog targets, gzip, stdout, conflicting formats), one line each. */
  warnings: string[];
  /** Every configuration file read, main file first. */
  files: string[];
}

export interface ReadNginxConfOptions {
  /**
   * nginx's prefix (`nginx -p`, `--prefix`), against which relative `access_log` paths resolve.
   * Default: the directory of the main configuration file.
   */
  prefix?: string;
}

const MAX_INCLUDE_DEPTH = 16;
/** Blocks whose access_log/log_format belong to other modules (TCP/UDP proxy, mail) and never hold HTTP logs. */
const FOREIGN_BLOCKS = new Set(['stream', 'mail']);

/**
 * Reads `path` and its includes like nginx does: `include` patterns may be globs and relative ones resolve
 * against the main file's directory (nginx's conf prefix); multi-part formats are concatenated; single and
 * double quotes and their escapes follow nginx's tokenizer.
 *
 * @example
 * const conf = await readNginxConf('/etc/nginx/nginx.conf');
 * for (const log of conf.accessLogs) console.log(log.path, log.spec);
 * @throws {NginxConfSyntaxError} text nginx itself would reject (with file:line)
 * @throws {ConfigError} a missing file, an unknown format name, a duplicate log_format
 */
export async function readNginxConf(path: string, options: ReadNginxConfOptions = {}): Promise<NginxConf> {
  const mainFile = resolve(path);
  const confPrefix = dirname(mainFile);
  const prefix = options.prefix ? resolve(options.prefix) : confPrefix;
  const formats = new Map<string, NginxLogFormat>([
    [
      'combined',
      {
        name: 'combined',
        escape: 'default',
        format: COMBINED_LOG_FORMAT,
        spec: 'combined',
        file: '(built in)',
        line: 0,
      },
    ],
  ]);
  const pending: Array<Omit<NginxAccessLog, 'spec'>> = [];
  const files: string[] = [];
  const warnings: string[] = [];
  let disabled = 0;

  async function load(file: string, depth: number): Promise<NginxDirective[]> {
    if (depth > MAX_INCLUDE_DEPTH) {
      throw new ConfigError(
        `${file}: includes nest deeper than ${MAX_INCLUDE_DEPTH} levels (an include loop?)`,
      );
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read nginx configuration ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    files.push(file);
    return parseNginxConf(text, file);
  }

  async function walk(directives: NginxDirective[], depth: number): Promise<void> {
    for (const directive of directives) {
      const where = `${directive.file}:${directive.line}`;
      switch (directive.name) {
        case 'include': {
          const pattern = directive.args[0];
          if (directive.args.length !== 1 || pattern === undefined) {
            throw new NginxConfSyntaxError('"include" takes one argument', directive.file, directive.line);
          }
          const full = isAbsolute(pattern) ? pattern : join(confPrefix, pattern);
          const matches = hasMagic(full, NGINX_GLOB) ? await includedFiles(full) : [full];
          for (const match of matches) await walk(await load(match, depth + 1), depth + 1);
          break;
        }
        case 'log_format':
          addFormat(directive, where);
          break;
        case 'access_log':
          addAccessLog(directive, where);
          break;
        default:
          if (directive.block && !FOREIGN_BLOCKS.has(directive.name)) await walk(directive.block, depth);
      }
    }
  }

  function addFormat(directive: NginxDirective, where: string): void {
    const [name, ...rest] = directive.args;
    if (name === undefined || rest.length === 0) {
      throw new NginxConfSyntaxError(
        '"log_format" needs a name and a format',
        directive.file,
        directive.line,
      );
    }
    if (formats.has(name)) {
      throw new ConfigError(`${where}: duplicate log_format name "${name}"`);
    }
    let escapeMode: EscapeMode = 'default';
    if (rest[0]?.startsWith('escape=')) {
      const value = rest.shift()!.slice('escape='.length);
      if (value !== 'default' && value !== 'json' && value !== 'none') {
        throw new ConfigError(`${where}: unknown escape=${value} in log_format "${name}"`);
      }
      escapeMode = value;
    }
    const format = rest.join('');
    const spec = toLogFormatSpec(escapeMode, format);
    formats.set(name, { name, escape: escapeMode, format, spec, file: directive.file, line: directive.line });
  }

  function addAccessLog(directive: NginxDirective, where: string): void {
    const [target, format = 'combined', ...params] = directive.args;
    if (target === undefined) {
      throw new NginxConfSyntaxError('"access_log" needs a path or "off"', directive.file, directive.line);
    }
    if (target === 'off') {
      disabled++;
      return;
    }
    if (target.startsWith('syslog:')) {
      warnings.push(`${where}: access_log ${target} sends to syslog; only files can be tailed`);
      return;
    }
    if (target === '/dev/stdout' || target === '/dev/stderr') {
      warnings.push(`${where}: access_log ${target} is not a file; log to a file the agent can tail`);
      return;
    }
    if (params.some((p) => p === 'gzip' || p.startsWith('gzip='))) {
      warnings.push(`${where}: access_log ${target} is gzip-compressed by nginx and cannot be tailed`);
    }
    pending.push({
      path: isAbsolute(target) ? target : join(prefix, target),
      format,
      params,
      hasVariables: target.includes('$'),
      file: directive.file,
      line: directive.line,
    });
  }

  await walk(await load(mainFile, 0), 0);

  // Formats may be defined after (or in a file included after) the access_log that names them.
  const accessLogs: NginxAccessLog[] = [];
  const seen = new Map<string, string>();
  for (const log of pending) {
    const format = formats.get(log.format);
    if (!format) {
      throw new ConfigError(
        `${log.file}:${log.line}: access_log ${log.path} uses unknown log format "${log.format}"`,
      );
    }
    const previous = seen.get(log.path);
    if (previous === format.name) continue;
    if (previous !== undefined) {
      warnings.push(
        `${log.file}:${log.line}: ${log.path} is written with formats "${previous}" and "${format.name}"; lines of one will be rejected by the other`,
      );
      continue;
    }
    seen.set(log.path, format.name);
    accessLogs.push({ ...log, spec: format.spec });
  }
  return { formats, accessLogs, disabled, warnings, files };
}

const NGINX_GLOB = { braces: false } as const;

/**
 * glob(3) as nginx uses it for `include`: wildcards in any path segment, no `{a,b}`, matches sorted, none
 * is fine. Only regular files hold configuration; a match that vanished since it was listed is skipped.
 */
async function includedFiles(pattern: string): Promise<string[]> {
  const files: string[] = [];
  for (const candidate of await expandGlob(pattern, NGINX_GLOB)) {
    try {
      if ((await stat(candidate)).isFile()) files.push(candidate);
    } catch {
      // listed, then gone before stat
    }
  }
  return files;
}
