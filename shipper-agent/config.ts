/**
 * The agent's configuration from flags and environment variables, read once at the entry point (the
 * CLI): every setting is a row of {@link AGENT_SETTINGS} (settings.ts), each flag winning over its
 * variable; docs/configuration.md lists them with their defaults. nginx.conf, when named or at its
 * standard path, adds files and formats.
 */
import { access, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readNginxConf } from '../formats/nginx-conf/index.ts';
import type { FormatCandidate } from '../ingest/index.ts';
import { ConfigError, describeError } from '../lib/errors/index.ts';
import type { LogLevel } from '../lib/log/index.ts';
import { type FlagsOf, resolveSettings, type SettingsOf } from '../lib/settings/index.ts';
import type { AgentOptions } from './options.ts';
import { AUTO_FORMAT } from './reading/format-choice.ts';
import { AGENT_SETTINGS } from './settings.ts';

export type Env = Record<string, string | undefined>;

/** Flags as `cli/args.ts` parses them. */
export type AgentFlags = FlagsOf<typeof AGENT_SETTINGS>;

export interface AgentConfig {
  options: AgentOptions;
  logLevel: LogLevel;
  /** Things in nginx.conf the agent cannot follow, to log at start. */
  warnings: string[];
}

/** Where nginx keeps its configuration on Debian, Ubuntu, RHEL, Alpine and the official images. */
export const STANDARD_NGINX_CONF = '/etc/nginx/nginx.conf';

/**
 * @throws {ConfigError} no file, endpoint or token, an unreadable token file or nginx.conf, or a bad
 *   value, named as the flag or variable it came from
 */
export async function resolveAgentConfig(
  flags: AgentFlags,
  env: Env,
  standardNginxConf = STANDARD_NGINX_CONF,
): Promise<AgentConfig> {
  const { values: v, sources } = resolveSettings(AGENT_SETTINGS, flags, env);
  const files: AgentOptions['files'] = [...v.file];
  const warnings: string[] = [];

  const nginxConf = v['nginx-conf'];
  if (nginxConf) {
    const conf = await readNginxConf(nginxConf);
    warnings.push(...conf.warnings);
    if (conf.accessLogs.length === 0) {
      throw new ConfigError(
        `${sources['nginx-conf']}: ${nginxConf} has no access_log writing to a file (${conf.disabled} "access_log off"): add one, e.g. access_log /var/log/nginx/access.log combined;`,
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
    !nginxConf && v.format === AUTO_FORMAT
      ? await standardConfFormats(files, standardNginxConf, warnings)
      : [];
  if (files.length === 0) {
    throw new ConfigError(
      'no log file: pass --file PATH (repeatable, globs allowed), --nginx-conf /etc/nginx/nginx.conf, or set ACCESSLAKE_AGENT_FILES',
    );
  }

  const endpoint = v.endpoint;
  if (!endpoint) throw new ConfigError('no ingest endpoint: pass --endpoint URL or set ACCESSLAKE_ENDPOINT');
  const token = await readToken(v, sources);

  // A setting nobody gave is left out: resolveAgentOptions applies the defaults, which depend on each
  // other (a small --batch-bytes brings the line cap down with it).
  const given = <K extends keyof typeof AGENT_SETTINGS>(key: K) =>
    sources[key] === undefined ? undefined : v[key];
  const options: AgentOptions = {
    files,
    endpoint,
    token,
    stateDir: v['state-dir'] ?? defaultStateDir(env),
  };
  const optional: { [K in keyof AgentOptions]?: AgentOptions[K] | undefined } = {
    format: given('format'),
    formatCandidates: formatCandidates.length ? formatCandidates : undefined,
    source: v.source,
    batchBytes: given('batch-bytes'),
    batchLines: v['batch-lines'],
    batchAgeMs: given('batch-age'),
    maxLineBytes: given('max-line-bytes'),
    gzipLevel: given('gzip-level'),
    pollIntervalMs: given('poll-interval'),
    shutdownTimeoutMs: given('shutdown-timeout'),
    readFrom: given('read-from'),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(options, { [key]: value });
  }
  return { options, logLevel: v['log-level'], warnings };
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

/**
 * `--token`, else `--token-file` (so the token stays out of `ps`), else the same two from the
 * environment.
 */
async function readToken(
  v: SettingsOf<typeof AGENT_SETTINGS>,
  sources: { token?: string | undefined; 'token-file'?: string | undefined },
): Promise<string> {
  // A --token-file flag wins over ACCESSLAKE_TOKEN, as a flag wins over any variable.
  const fileFlagFirst = sources['token-file'] === '--token-file' && sources.token !== '--token';
  if (v.token && !fileFlagFirst) return v.token;
  const file = v['token-file'];
  const setting = sources['token-file'];
  if (!file) throw new ConfigError('no token: pass --token T or --token-file PATH, or set ACCESSLAKE_TOKEN');
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (!token) throw new ConfigError(`${setting}: ${file} is empty`);
    return token;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`${setting}: cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Where the state lives when no --state-dir is given. */
export function defaultStateDir(env: Env): string {
  if (process.getuid?.() === 0) return '/var/lib/accesslake/agent';
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'accesslake', 'agent');
}
