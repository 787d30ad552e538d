import { resolveUpOptions, runUp } from '../../up/index.ts';
import { parseFlags } from '../args.ts';
import type { CommandRunner } from '../main.ts';

const HELP = `usage: accesslake up [--port 8080] [--lake ./lake] [--rate 20] [--file PATH [--format json|combined|main|'<log_format>']]
                     [--duration D] [--interval 5s] [--seed N] [--batch-age 1s] [--dashboard-port 8090|off] [--compact-every 5m]

Runs the whole pipeline on 127.0.0.1 with no AWS account: ingest writing the lake into --lake, a
generator writing a realistic nginx access log (or --file: tail a real one), and the agent shipping it
every --batch-age, and the dashboard page (accesslake dashboard) over the lake. Every --interval it prints lines shipped and lag (from the agent's status), requests
by status class, p95 latency and top paths (DuckDB over the lake). Ctrl-C stops everything cleanly.

  --port P      ingest's port on 127.0.0.1 (default 8080)
  --dashboard-port P  the dashboard's port on 127.0.0.1 (default 8090), or off
  --lake DIR    the lake folder (default ./lake); run files go to DIR/.up/
  --rate R      generated requests per second (default 20)
  --file PATH   tail this nginx access log instead of generating traffic
  --format F    the format of --file (default json: nginx/accesslake-json.conf)
  --duration D  stop after D (e.g. 30s), as Ctrl-C would
  --interval I  time between summaries (default 5s)
  --compact-every C  compact the lake's closed hours into Parquet at start and every C (default 5m;
                0: never), as accesslake compact does`;

export const run: CommandRunner = async (argv) => {
  const { values } = parseFlags(argv, {
    port: { type: 'string' },
    lake: { type: 'string' },
    rate: { type: 'string' },
    file: { type: 'string' },
    format: { type: 'string' },
    duration: { type: 'string' },
    interval: { type: 'string' },
    seed: { type: 'string' },
    'batch-age': { type: 'string' },
    'compact-every': { type: 'string' },
    'dashboard-port': { type: 'string' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const options = resolveUpOptions(values);
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    // A second Ctrl-C while stopping: give up waiting; the exit handler kills the children.
    if (interrupts > 1) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runUp(options, { signal: controller.signal });
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
};
