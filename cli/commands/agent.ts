import { createLogger } from '../../lib/log/index.ts';
import {
  defaultStateDir,
  formatStatus,
  type RunningAgent,
  readAgentStatus,
  resolveAgentConfig,
  startAgent,
} from '../../shipper-agent/index.ts';
import { type CommandRunner, parseCommand, readCommand } from '../args.ts';
import { AGENT_COMMAND, AGENT_STATUS_COMMAND } from '../options/agent.ts';

export const run: CommandRunner = async (argv, env) => {
  if (argv[0] === 'status') return status(argv.slice(1), env);
  const parsed = parseCommand(AGENT_COMMAND, argv);
  if (parsed.help) return 0;
  const values = parsed.flags;
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
  const read = readCommand(AGENT_STATUS_COMMAND, argv, env);
  if (!read) return 0;
  const { values } = read;
  const stateDir = values['state-dir'] ?? defaultStateDir(env);
  const report = await readAgentStatus(stateDir);
  console.log(values.json ? JSON.stringify(report, null, 2) : formatStatus(report));
  return 0;
}
