/**
 * `accesslake agent`: its settings table (lib/settings) and help text. The values are resolved by
 * shipper-agent/config.ts (`resolveAgentConfig`), which also reads nginx.conf; test/cli/options.test.ts
 * holds this table's environment names to it.
 */
import { defineSettings } from '../../lib/settings/index.ts';
import type { CommandSpec } from '../args.ts';

export const AGENT_SETTINGS = defineSettings({
  file: {
    multiple: true,
    env: ['ACCESSLAKE_AGENT_FILES'],
    value: 'PATH',
    help: 'a log file to tail: a path or a glob',
  },
  'nginx-conf': {
    env: ['ACCESSLAKE_NGINX_CONF'],
    value: 'PATH',
    help: "read the files and their formats from nginx's access_log directives",
  },
  endpoint: { env: ['ACCESSLAKE_ENDPOINT'], defaultNote: 'required', value: 'URL', help: 'the ingest URL' },
  token: { env: ['ACCESSLAKE_TOKEN'], defaultNote: 'required', value: 'T', help: 'the bearer token' },
  'token-file': { env: ['ACCESSLAKE_TOKEN_FILE'], value: 'PATH', help: 'read the token from this file' },
  format: {
    env: ['ACCESSLAKE_FORMAT'],
    default: 'auto',
    value: 'F',
    help: "auto (each file's format detected from its first lines), json, combined, main, s3, alb or a log_format string",
  },
  'state-dir': {
    env: ['ACCESSLAKE_STATE_DIR'],
    defaultNote: '/var/lib/accesslake/agent (root), else ~/.local/state/accesslake/agent',
    value: 'DIR',
    help: 'where the checkpoints and the lock live',
  },
  source: {
    env: ['ACCESSLAKE_SOURCE'],
    defaultNote: 'host name',
    value: 'LABEL',
    help: 'the source label of every line',
  },
  'batch-age': {
    env: ['ACCESSLAKE_BATCH_AGE'],
    default: '30s',
    value: 'D',
    help: 'ship a batch once its oldest line is this old',
  },
  'batch-bytes': {
    env: ['ACCESSLAKE_BATCH_BYTES'],
    default: '8MiB',
    value: 'SIZE',
    help: 'ship a batch at this size',
  },
  'batch-lines': {
    env: ['ACCESSLAKE_BATCH_LINES'],
    defaultNote: 'no limit',
    value: 'N',
    help: 'ship a batch at this many lines',
  },
  'max-line-bytes': {
    env: ['ACCESSLAKE_MAX_LINE_BYTES'],
    default: '64KiB',
    value: 'SIZE',
    help: 'longer lines are cut to this and flagged',
  },
  'gzip-level': {
    env: ['ACCESSLAKE_GZIP_LEVEL'],
    default: '1',
    value: 'N',
    help: 'gzip level of the batches, 1–9',
  },
  'poll-interval': {
    env: ['ACCESSLAKE_POLL_INTERVAL'],
    default: '1s',
    value: 'D',
    help: 'how often files are checked',
  },
  'read-from': {
    env: ['ACCESSLAKE_READ_FROM'],
    default: 'beginning',
    value: 'beginning|end',
    help: 'where a file never seen before is read from',
  },
  'shutdown-timeout': {
    env: ['ACCESSLAKE_SHUTDOWN_TIMEOUT'],
    default: '10s',
    value: 'D',
    help: 'how long a stop waits for the last batch',
  },
  'log-level': {
    env: ['ACCESSLAKE_LOG_LEVEL'],
    default: 'info',
    value: 'L',
    help: 'debug, info, warn or error',
  },
});

export const AGENT_STATUS_SETTINGS = defineSettings({
  'state-dir': AGENT_SETTINGS['state-dir'],
  json: { type: 'boolean', help: 'print the status as JSON' },
});

export const AGENT_COMMAND: CommandSpec<typeof AGENT_SETTINGS> = {
  name: 'agent',
  usage: `usage: accesslake agent --file PATH… --endpoint URL --token T [options]
       accesslake agent status [--state-dir DIR] [--json]`,
  description: `Tails nginx access logs (paths or globs; --nginx-conf reads them and their formats from nginx's
access_log directives) and ships every line exactly once to an accesslake ingest, through crashes,
ingest outages and log rotation. SIGTERM/SIGINT stop it gracefully.

--format auto (the default) decides each file's format from its first lines (the most specific of json,
alb, s3, main and combined that fits, after the log_formats of /etc/nginx/nginx.conf when it exists; an
access_log there naming the file gives its format outright). The log and "agent status" say which format
each file got and why; a file whose lines fit no format is stopped alone, with a line and the formats
tried, while the other files keep shipping.`,
  settings: AGENT_SETTINGS,
  epilog: 'See docs/agent.md.',
};

export const AGENT_STATUS_COMMAND: CommandSpec<typeof AGENT_STATUS_SETTINGS> = {
  name: 'agent status',
  usage: 'usage: accesslake agent status [--state-dir DIR] [--json]',
  description: 'Prints what the agent is doing, read from its state; works while it runs.',
  settings: AGENT_STATUS_SETTINGS,
};
