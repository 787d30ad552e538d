/**
 * `accesslake <command>`: the command-line interface (bin/accesslake.mjs runs it). `main(argv)` answers
 * with an exit code; each command's flags, env vars and defaults are one settings table in cli/options/
 * (docs/configuration.md is derived from them). The agent-only binary enters through cli/agent.ts instead.
 */
export { exitQuietlyOnBrokenPipe, main, usage, version } from './main.ts';
