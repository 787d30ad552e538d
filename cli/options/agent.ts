/**
 * `accesslake agent`: its help text around the agent's settings table (shipper-agent/settings.ts), which
 * `resolveAgentConfig` resolves (reading nginx.conf too), and `agent status`'s small table.
 */
import { defineSettings } from '../../lib/settings/index.ts';
import { AGENT_SETTINGS } from '../../shipper-agent/index.ts';
import type { CommandSpec } from '../args.ts';

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
