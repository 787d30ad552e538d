import { DASHBOARD_DEFAULTS, lakeState, startDashboard } from '../../dashboard/index.ts';
import { pickLakeLocation } from '../../lib/config/index.ts';
import { parseInteger } from '../../lib/units/index.ts';
import { parseFlags } from '../args.ts';
import type { CommandRunner } from '../main.ts';

const HELP = `usage: accesslake dashboard [--lake ./lake] [--host 127.0.0.1] [--port 8090] [--token T]…

Serves a web page over the local lake: the Grafana dashboard's panels (requests by status class, error
rate, latency percentiles, bytes served, top paths, clients and user agents, slowest requests), each
from its named query run on DuckDB, with a time-range picker and auto-refresh. Read-only.

  --lake DIR    the lake folder (env ACCESSLAKE_LAKE, default ./lake)
  --host H      address to listen on (env ACCESSLAKE_DASHBOARD_HOST, default 127.0.0.1); any address
                other than loopback needs a token
  --port P      port (env ACCESSLAKE_DASHBOARD_PORT, default 8090; 0 picks a free one)
  --token T     bearer token the page's API calls must carry, at least 8 characters, repeatable (env
                ACCESSLAKE_DASHBOARD_TOKENS, comma-separated); open the page as http://HOST:PORT/#token=T`;

export const run: CommandRunner = async (argv, env) => {
  const { values } = parseFlags(argv, {
    lake: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    token: { type: 'string', multiple: true },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  // One lake setting in every command (lib/config): ACCESSLAKE_STORAGE still works, with a note.
  const location = pickLakeLocation(values, env);
  for (const note of location.deprecations) console.error(`accesslake dashboard: ${note}`);
  const lake = location.value ?? './lake';
  const tokens = values.token?.length
    ? values.token
    : (env.ACCESSLAKE_DASHBOARD_TOKENS ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
  const port = parseInteger(
    values.port ?? env.ACCESSLAKE_DASHBOARD_PORT ?? String(DASHBOARD_DEFAULTS.port),
    values.port === undefined && env.ACCESSLAKE_DASHBOARD_PORT !== undefined
      ? 'ACCESSLAKE_DASHBOARD_PORT'
      : '--port',
    0,
    65535,
  );
  const dashboard = await startDashboard({
    lake,
    host: values.host ?? env.ACCESSLAKE_DASHBOARD_HOST ?? DASHBOARD_DEFAULTS.host,
    port,
    tokens,
  });
  const state = await lakeState(lake);
  const note =
    state === 'missing'
      ? ` (the folder does not exist yet: the page says so until it does)`
      : state === 'empty'
        ? ' (no records yet)'
        : '';
  console.log(`accesslake dashboard: ${dashboard.url} · lake ${lake}${note} · Ctrl-C stops`);

  await new Promise<void>((resolve) => {
    const stop = () => {
      dashboard.close().then(resolve, resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
};
