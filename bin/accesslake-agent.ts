/**
 * Entry of the single-file agent bundle (`npm run build:agent` → dist/accesslake-agent.mjs): the same
 * `accesslake agent` command, without the rest of the CLI, runnable with plain `node`:
 *
 *     node accesslake-agent.mjs --file /var/log/nginx/access.log --endpoint URL --token-file /etc/accesslake/token
 *     node accesslake-agent.mjs status --state-dir /var/lib/accesslake/agent
 *
 * It lives beside bin/accesslake.mjs, not in shipper-agent/: it is an entry of the CLI's `agent` command,
 * and the agent itself knows nothing of the CLI.
 */
import { run } from '../cli/agent.ts';
import { AccessLakeError, describeError } from '../lib/errors/index.ts';

try {
  process.exitCode = await run(process.argv.slice(2), process.env);
} catch (error) {
  if (error instanceof AccessLakeError) console.error(`accesslake agent: ${describeError(error)}`);
  else console.error('accesslake agent: unexpected error', error);
  process.exitCode = 1;
}
