import { createLogger } from '../../lib/log/index.ts';
import { defaultStateDir, resolveAgentConfig } from '../../shipper-agent/config.ts';
import { formatStatus, type RunningAgent, readAgentStatus, startAgent } from '../../shipper-agent/index.ts';
import { parseFlags } from '../args.ts';
import type { CommandRunner } from '../main.ts';

const HELP = `usage: accesslake agent --file PATH… --endpoint URL --token T [--format auto|json|combined|main|s3|alb|'<log_format>']
                        [--state-dir DIR] [--batch-age 30s] [--batch-bytes 8MiB] [--batch-lines N] [--source LABEL]
                        [--nginx-conf /etc/nginx/nginx.conf] [--token-file PATH] [--max-line-bytes 64KiB]
                        [--gzip-level 1] [--poll-interval 1s] [--read-from beginning|end]
                        [--shutdown-timeout 10s] [--log-level info]
       accesslake agent status [--state-dir DIR] [--json]

Tails nginx access logs (paths or globs; --nginx-conf reads them and their formats from nginx's
access_log directives) and ships every line exactly once to an accesslake ingest, through crashes,
ingest outages and log rotation. SIGTERM/SIGINT stop it gracefully.

--format auto (the default) decides each file's format from its first lines (the most specific of json,
alb, s3, main and combined that fits, after the log_formats of /etc/nginx/nginx.conf when it exists; an
access_log there naming the file gives its format outright). The log and "agent status" say which format
each file got and why; a file whose lines fit no format is stopped alone, with a line and the formats
tried, while the other files keep shipping.

Every flag has an environment variable: ACCESSLAKE_AGENT_FILES (comma-separated), ACCESSLAKE_NGINX_CONF,
ACCESSLAKE_ENDPOINT, ACCESSLAKE_TOKEN, ACCESSLAKE_TOKEN_FILE, ACCESSLAKE_FORMAT, ACCESSLAKE_STATE_DIR,
ACCESSLAKE_SOURCE, ACCESSLAKE_BATCH_AGE, ACCESSLAKE_BATCH_BYTES, ACCESSLAKE_BATCH_LINES,
ACCESSLAKE_MAX_LINE_BYTES, ACCESSLAKE_GZIP_LEVEL, ACCESSLAKE_POLL_INTERVAL, ACCESSLAKE_READ_FROM,
ACCESSLAKE_SHUTDOWN_TIMEOUT, ACCESSLAKE_LOG_LEVEL. See docs/agent.md.`;

export const run: CommandRunner = async (argv, env) => {
  if (argv[0] === 'status') return status(argv.slice(1), env);
  const { values } = parseFlags(argv, {
    file: { type: 'string', multiple: true },
    'nginx-conf': { type: 'string' },
    endpoint: { type: 'string' },
    token: { type: 'string' },
    'token-file': { type: 'string' },
    format: { type: 'string' },
    'state-dir': { type: 'string' },
    source: { type: 'string' },
    'batch-bytes': { type: 'string' },
    'batch-lines': { type: 'string' },
    'batch-age': { type: 'string' },
    'max-line-bytes': { type: 'string' },
    'gzip-level': { type: 'string' },
    'poll-interval': { type: 'string' },
    'read-from': { type: 'string' },
    'shutdown-timeout': { type: 'string' },
    'log-level': { type: 'string' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const config = await resolveAgentConfig(values, env);
  const logger = createLogger({ level: config.logLevel, fields: { component: 'agent' } });
  for (const warning of config.warnings) logger.warn(warning, { source: 'nginx.conf' });
  // Handlers go in before the agent starts: a SIGTERM during start-up still ends in a clean stop.
  let agent: RunningAgent | undefined;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal does not wait: the state already makes the next start resume without loss.
    if (++signals > 1) {
      logger.warn('second signal: exiting now; unsent lines are sent at the next start', { signal });
      process.exit(130);
    }
    logger.info('signal received', { signal });
    void agent?.stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    agent = await startAgent({ ...config.options, logger });
    if (signals > 0) void agent.stop();
    await agent.finished;
    return 0;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
};

/** `accesslake agent status`: readable while the agent runs. */
async function status(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  const { values } = parseFlags(argv, { 'state-dir': { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) {
    console.log('usage: accesslake agent status [--state-dir DIR] [--json]');
    return 0;
  }
  const stateDir = values['state-dir'] ?? env.ACCESSLAKE_STATE_DIR ?? defaultStateDir(env);
  const report = await readAgentStatus(stateDir);
  console.log(values.json ? JSON.stringify(report, null, 2) : formatStatus(report));
  return 0;
}
