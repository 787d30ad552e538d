/** `accesslake up`: its help text around the settings table in up/options.ts. */
import { UP_SETTINGS } from '../../up/index.ts';
import type { CommandSpec } from '../args.ts';

export const UP_COMMAND: CommandSpec<typeof UP_SETTINGS> = {
  name: 'up',
  usage: `usage: accesslake up [--port 8080] [--lake ./lake] [--rate 20] [--file PATH [--format auto|json|combined|main|'<log_format>']]
                     [--duration D] [--interval 5s] [--seed N] [--batch-age 1s] [--dashboard-port 8090|off]
                     [--compact-every 5m]`,
  description: `Runs the whole pipeline on 127.0.0.1 with no AWS account: ingest writing the lake into --lake, a
generator writing a realistic nginx access log (or --file: tail a real one), and the agent shipping it
every --batch-age, and the dashboard page (accesslake dashboard) over the lake. Every --interval it
prints lines shipped and lag (from the agent's status), requests by status class, p95 latency and top
paths (DuckDB over the lake). Ctrl-C stops everything cleanly.`,
  settings: UP_SETTINGS,
  epilog: `Each summary shows this run's lines shipped and rejected (a wrong --format is loud: the first reason
and the format are printed), and the final account keeps this run apart from the whole lake. A real log
(--file) is shipped under its own source label, apart from the demo's.`,
};
