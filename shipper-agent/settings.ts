/**
 * The agent's settings table (lib/settings): each setting's flag, environment variable, default, parser
 * and help line, written once. `accesslake agent` parses its command line from it (and shows it in
 * `--help` and docs/configuration.md); {@link resolveAgentConfig} (config.ts) resolves it. Defaults are
 * shown from {@link AGENT_DEFAULTS} and bounds come from {@link AGENT_RANGES}, the ones
 * `resolveAgentOptions` applies to every caller; here a bad value names the flag or variable it came from.
 */
import { formatByteSize, parseBytes } from '../lib/bytes/index.ts';
import { formatDurationMs, parseDurationMs } from '../lib/duration/index.ts';
import { LOG_LEVELS } from '../lib/log/index.ts';
import { defineSettings, oneOf } from '../lib/settings/index.ts';
import { parseInteger } from '../lib/units/index.ts';
import { AGENT_DEFAULTS, AGENT_RANGES, checkRange, type OptionRange } from './options.ts';

const bytes = (range: OptionRange) => (raw: string, setting: string) => {
  const value = parseBytes(raw, setting);
  checkRange(setting, value, range);
  return value;
};
const duration =
  (range?: OptionRange) =>
  (raw: string, setting: string): number => {
    const ms = parseDurationMs(raw, setting);
    if (range) checkRange(setting, ms, range);
    return ms;
  };
const integer = (range: OptionRange) => (raw: string, setting: string) =>
  parseInteger(raw, setting, range.min, range.max);

export const AGENT_SETTINGS = defineSettings({
  file: {
    multiple: true,
    env: ['ACCESSLAKE_AGENT_FILES'],
    value: 'PATH',
    help: 'a log file to tail: a path or a glob (`*`, `?`, `[ab]`, `{a,b}` per path segment; no `**`)',
  },
  'nginx-conf': {
    env: ['ACCESSLAKE_NGINX_CONF'],
    value: 'PATH',
    help: "read the files and their formats from nginx's access_log directives",
  },
  endpoint: {
    env: ['ACCESSLAKE_ENDPOINT'],
    defaultNote: 'required',
    value: 'URL',
    help: "the ingest's base URL, e.g. http://127.0.0.1:8080",
  },
  token: {
    env: ['ACCESSLAKE_TOKEN'],
    defaultNote: 'required',
    value: 'T',
    help: "one of the ingest's tokens",
  },
  'token-file': {
    env: ['ACCESSLAKE_TOKEN_FILE'],
    value: 'PATH',
    help: 'read the token from this file (keeps it out of ps)',
  },
  format: {
    env: ['ACCESSLAKE_FORMAT'],
    default: AGENT_DEFAULTS.format,
    value: 'F',
    help: "auto (each file's format detected from its first lines), json, combined, main, s3, alb or a log_format string; sent as X-Log-Format",
  },
  'state-dir': {
    env: ['ACCESSLAKE_STATE_DIR'],
    defaultNote: '/var/lib/accesslake/agent (root), else ~/.local/state/accesslake/agent',
    value: 'DIR',
    help: 'where the checkpoints (offsets, the pending batch) and the lock live',
  },
  source: {
    env: ['ACCESSLAKE_SOURCE'],
    defaultNote: 'host name',
    value: 'LABEL',
    help: 'the source label of every record (X-Source)',
  },
  'batch-age': {
    env: ['ACCESSLAKE_BATCH_AGE'],
    default: formatDurationMs(AGENT_DEFAULTS.batchAgeMs),
    value: 'D',
    help: 'ship a batch once its oldest line is this old; 1s for a live feel',
    parse: duration(AGENT_RANGES.batchAgeMs),
  },
  'batch-bytes': {
    env: ['ACCESSLAKE_BATCH_BYTES'],
    default: formatByteSize(AGENT_DEFAULTS.batchBytes),
    value: 'SIZE',
    help: 'ship a batch at this much log',
    parse: bytes(AGENT_RANGES.batchBytes),
  },
  'batch-lines': {
    env: ['ACCESSLAKE_BATCH_LINES'],
    defaultNote: 'no limit',
    value: 'N',
    help: 'ship a batch at this many lines',
    parse: integer(AGENT_RANGES.batchLines),
  },
  'max-line-bytes': {
    env: ['ACCESSLAKE_MAX_LINE_BYTES'],
    default: formatByteSize(AGENT_DEFAULTS.maxLineBytes),
    value: 'SIZE',
    help: 'longer lines are cut to this and counted; by default at most half of --batch-bytes',
    parse: bytes(AGENT_RANGES.maxLineBytes),
  },
  'gzip-level': {
    env: ['ACCESSLAKE_GZIP_LEVEL'],
    default: String(AGENT_DEFAULTS.gzipLevel),
    value: 'N',
    help: 'gzip level on the wire, 1–9 (the ingest writes the lake at 6)',
    parse: integer(AGENT_RANGES.gzipLevel),
  },
  'poll-interval': {
    env: ['ACCESSLAKE_POLL_INTERVAL'],
    default: formatDurationMs(AGENT_DEFAULTS.pollIntervalMs),
    value: 'D',
    help: 'the stat poll behind inotify',
    parse: duration(AGENT_RANGES.pollIntervalMs),
  },
  'read-from': {
    env: ['ACCESSLAKE_READ_FROM'],
    default: AGENT_DEFAULTS.readFrom,
    value: 'beginning|end',
    help: 'where to start in a file the state does not know, on the first start',
    parse: oneOf(['beginning', 'end']),
  },
  'shutdown-timeout': {
    env: ['ACCESSLAKE_SHUTDOWN_TIMEOUT'],
    default: formatDurationMs(AGENT_DEFAULTS.shutdownTimeoutMs),
    value: 'D',
    help: 'how long SIGTERM may spend sending what is already read',
    parse: duration(),
  },
  'log-level': {
    env: ['ACCESSLAKE_LOG_LEVEL'],
    default: 'info',
    value: 'L',
    help: 'debug, info, warn or error',
    parse: oneOf(LOG_LEVELS),
  },
});
