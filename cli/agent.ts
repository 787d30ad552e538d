/**
 * The agent-only binary's entry (bin/accesslake-agent.ts, bundled by `npm run build:agent`): the `agent`
 * command alone, without cli/main.ts, whose lazy imports of every other command a bundler would follow
 * (DuckDB, the AWS SDK). Outsiders import cli/index.ts or this file, nothing else of cli/.
 */
export { run } from './commands/agent.ts';
