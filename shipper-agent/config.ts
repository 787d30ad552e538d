/**
 * The agent's configuration from flags and environment variables, read once at the entry point (the
 * CLI). Each flag wins over its variable:
 *
 * | flag | env | default |
 * |---|---|---|
 * | `--file` (repeatable, globs) | `ACCESSLAKE_AGENT_FILES` (comma-separated) | — |
 * | `--nginx-conf` | `ACCESSLAKE_NGINX_CONF` | — (files and formats from nginx's access_log directives) |
 * | `--endpoint` | `ACCESSLAKE_ENDPOINT` | required |
 * | `--token` / `--token-file` | `ACCESSLAKE_TOKEN` / `ACCESSLAKE_TOKEN_FILE` | required |
 * | `--format` | `ACCESSLAKE_FORMAT` | `auto` (each file's format detected from its lines; log_formats of /etc/nginx/nginx.conf tried first when it exists) |
 * | `--state-dir` | `ACCESSLAKE_STATE_DIR` | `/var/lib/accesslake/agent` (root), else `~/.local/state/accesslake/agent` |
 * | `--source` | `ACCESSLAKE_SOURCE` | host name |
 * | `--batch-bytes` | `ACCESSLAKE_BATCH_BYTES` | `8MiB` |
 * | `--batch-lines` | `ACCESSLAKE_BATCH_LINES` | no limit |
 * | `--batch-age` | `ACCESSLAKE_BATCH_AGE` | `30s` |
 * | `--max-line-bytes` | `ACCESSLAKE_MAX_LINE_BYTES` | `64KiB` |
 * | `--gzip-level` | `ACCESSLAKE_GZIP_LEVEL` | `1` |
 * | `--poll-interval` | `ACCESSLAKE_POLL_INTERVAL` | `1s` |
 * | `--read-from` | `ACCESSLAKE_READ_FROM` | `beginning` |
 * | `--shutdown-timeout` | `ACCESSLAKE_SHUTDOWN_TIMEOUT` | `10s` |
 * | `--log-level` | `ACCESSLAKE_LOG_LEVEL` | `info` |
 */
import { access, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readNginxConf } from '../formats/nginx-conf/index.ts';
import type { FormatCandidate } from '../ingest/index.ts';
import { ConfigError, describeError } from '../lib/errors/index.ts';
import { splitList } from '../lib/list/index.ts';
import { isLogLevel, type LogLevel } from '../lib/log/index.ts';
import { parseBytes, parseDurationMs, parseInteger } from '../lib/units/index.ts';
import type { AgentOptions } from './options.ts';
import { AUTO_FORMAT } from './reading/format-choice.ts';

export type Env = Record<string, string | undefined>;

/** Flags as `cli/args.ts` parses them. */
export interface AgentFlags {
  file?: string[] | undefined;
  'nginx-conf'?: string | undefined;
  endpoint?: string | undefined;
  token?: string | undefined;
  'token-file'?: string | undefined;
  format?: string | undefined;
  'state-dir'?: string | undefined;
  source?: string | undefined;
  'batch-bytes'?: string | undefined;
  'batch-lines'?: string | undefined;
  'batch-age'?: string | undefined;
  'max-line-bytes'?: string | undefined;
  'gzip-level'?: string | undefined;
  'poll-interval'?: string | undefined;
  'read-from'?: string | undefined;
  'shutdown-timeout'?: string | undefined;
  'log-level'?: string | undefined;
}

export interface AgentConfig {
  options: AgentOptions;
  logLevel: LogLevel;
  /** Things in nginx.conf the agent cannot follow, to log at start. */
  warnings: string[];
}

/** Where nginx keeps its configuration on Debian, Ubuntu, RHEL, Alpine and the official images. */
export const STANDARD_NGINX_CONF = '/etc/nginx/nginx.conf';

export async function resolveAgentConfig(
  flags: AgentFlags,
  env: Env,
  standardNginxConf = STANDARD_NGINX_CONF,
): Promise<AgentConfig> {
  const pick = (flag: keyof AgentFlags, variable: string) =>
    (flags[flag] as string | undefined) ?? env[variable];
  // Errors name where the value came from: the flag, or the environment variable.
  const nameOf = (flag: keyof AgentFlags, variable: string) =>
    flags[flag] !== undefined ? `--${flag}` : variable;
  const format = pick('format', 'ACCESSLAKE_FORMAT');
  const files: AgentOptions['files'] = flags.file?.length
    ? [...flags.file]
    : splitList(env.ACCESSLAKE_AGENT_FILES);
  const warnings: string[] = [];

  const nginxConf = pick('nginx-conf', 'ACCESSLAKE_NGINX_CONF');
  if (nginxConf) {
    const conf = await readNginxConf(nginxConf);
    warnings.push(...conf.warnings);
    if (conf.accessLogs.length === 0) {
      throw new ConfigError(
        `--nginx-conf: ${nginxConf} has no access_log writing to a file (${conf.disabled} "access_log off"): add one, e.g. access_log /var/log/nginx/access.log combined;`,
      );
    }
    // access_log paths with variables ($host) name many files: tail them all through a glob.
    for (const log of conf.accessLogs) {
      files.push({
        path: log.hasVariables ? log.path.replace(/\$\{?\w+\}?/g, '*') : log.path,
        format: log.spec,
        formatReason: `access_log in ${log.file}:${log.line} uses log_format ${log.format}`,
      });
    }
  }
  const formatCandidates =
    !nginxConf && (format === undefined || format === AUTO_FORMAT)
      ? await standardConfFormats(files, standardNginxConf, warnings)
      : [];
  if (files.length === 0) {
    throw new ConfigError(
      'no log file: pass --file PATH (repeatable, globs allowed), --nginx-conf /etc/nginx/nginx.conf, or set ACCESSLAKE_AGENT_FILES',
    );
  }

  const endpoint = pick('endpoint', 'ACCESSLAKE_ENDPOINT');
  if (!endpoint) throw new ConfigError('no ingest endpoint: pass --endpoint URL or set ACCESSLAKE_ENDPOINT');
  const token = await readToken(flags, env);

  const logLevel = pick('log-level', 'ACCESSLAKE_LOG_LEVEL') ?? 'info';
  if (!isLogLevel(logLevel))
    throw new ConfigError(
      `${nameOf('log-level', 'ACCESSLAKE_LOG_LEVEL')}: ${JSON.stringify(logLevel)} is not debug, info, warn or error`,
    );

  const readFrom = pick('read-from', 'ACCESSLAKE_READ_FROM');
  if (readFrom !== undefined && readFrom !== 'beginning' && readFrom !== 'end')
    throw new ConfigError(
      `${nameOf('read-from', 'ACCESSLAKE_READ_FROM')}: ${JSON.stringify(readFrom)} is not beginning or end`,
    );

  const bytes = (flag: keyof AgentFlags, variable: string) => {
    const value = pick(flag, variable);
    return value === undefined ? undefined : parseBytes(value, nameOf(flag, variable));
  };
  const duration = (flag: keyof AgentFlags, variable: string) => {
    const value = pick(flag, variable);
    return value === undefined ? undefined : parseDurationMs(value, nameOf(flag, variable));
  };
  const integer = (flag: keyof AgentFlags, variable: string, min: number, max: number) => {
    const value = pick(flag, variable);
    return value === undefined ? undefined : parseInteger(value, nameOf(flag, variable), min, max);
  };

  const options: AgentOptions = {
    files,
    endpoint,
    token,
    stateDir: pick('state-dir', 'ACCESSLAKE_STATE_DIR') ?? defaultStateDir(env),
  };
  const optional: { [K in keyof AgentOptions]?: AgentOptions[K] | undefined } = {
    format,
    formatCandidates: formatCandidates.length ? formatCandidates : undefined,
    source: pick('source', 'ACCESSLAKE_SOURCE'),
    batchBytes: bytes('batch-bytes', 'ACCESSLAKE_BATCH_BYTES'),
    batchLines: integer('batch-lines', 'ACCESSLAKE_BATCH_LINES', 1, 10_000_000),
    batchAgeMs: duration('batch-age', 'ACCESSLAKE_BATCH_AGE'),
    maxLineBytes: bytes('max-line-bytes', 'ACCESSLAKE_MAX_LINE_BYTES'),
    gzipLevel: integer('gzip-level', 'ACCESSLAKE_GZIP_LEVEL', 1, 9),
    pollIntervalMs: duration('poll-interval', 'ACCESSLAKE_POLL_INTERVAL'),
    shutdownTimeoutMs: duration('shutdown-timeout', 'ACCESSLAKE_SHUTDOWN_TIMEOUT'),
    readFrom,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(options, { [key]: value });
  }
  return { options, logLevel, warnings };
}

/**
 * With `--format auto` and no `--nginx-conf`: nginx.conf at its standard path, when there is one, gives a
 * tailed file whose path an access_log names that log's format, and its log_formats to try first on the
 * others. A conf that cannot be read is a warning: detection from the lines still works.
 */
async function standardConfFormats(
  files: AgentOptions['files'],
  confPath: string,
  warnings: string[],
): Promise<FormatCandidate[]> {
  if (
    !(await access(confPath).then(
      () => true,
      () => false,
    ))
  )
    return [];
  let conf: Awaited<ReturnType<typeof readNginxConf>>;
  try {
    conf = await readNginxConf(confPath);
  } catch (error) {
    warnings.push(
      `--format auto: ${confPath} not used (${describeError(error)}); formats come from the lines`,
    );
    return [];
  }
  warnings.push(...conf.warnings);
  for (const [i, file] of files.entries()) {
    if (typeof file !== 'string') continue;
    const log = conf.accessLogs.find((l) => !l.hasVariables && resolve(l.path) === resolve(file));
    if (log)
      files[i] = {
        path: file,
        format: log.spec,
        formatReason: `access_log in ${log.file}:${log.line} uses log_format ${log.format}`,
      };
  }
  // nginx's predefined `combined` is the built-in one; every other log_format is tried before the built-ins.
  return [...conf.formats.values()]
    .filter((f) => f.name !== 'combined')
    .map((f) => ({ format: f.spec, origin: `log_format ${f.name} in ${f.file}:${f.line}` }));
}

/** `--token`, else `--token-file` (so the token stays out of `ps`), else the environment. */
async function readToken(flags: AgentFlags, env: Env): Promise<string> {
  const direct = flags.token ?? (flags['token-file'] ? undefined : env.ACCESSLAKE_TOKEN);
  if (direct) return direct;
  const file = flags['token-file'] ?? env.ACCESSLAKE_TOKEN_FILE;
  if (!file) throw new ConfigError('no token: pass --token T or --token-file PATH, or set ACCESSLAKE_TOKEN');
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (!token) throw new ConfigError(`--token-file: ${file} is empty`);
    return token;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`--token-file: cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Where the state lives when no --state-dir is given. */
export function defaultStateDir(env: Env): string {
  if (process.getuid?.() === 0) return '/var/lib/accesslake/agent';
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'accesslake', 'agent');
}
