/** `accesslake dashboard`: its settings table (lib/settings) and help text. */
import { DASHBOARD_DEFAULTS } from '../../dashboard/index.ts';
import { defineSettings } from '../../lib/settings/index.ts';
import { parseInteger } from '../../lib/units/index.ts';
import type { CommandSpec } from '../args.ts';
import { LAKE_FOLDER_DEFAULT } from './shared.ts';

export const DASHBOARD_SETTINGS = defineSettings({
  lake: { ...LAKE_FOLDER_DEFAULT, value: 'DIR', help: 'the lake folder' },
  host: {
    env: ['ACCESSLAKE_DASHBOARD_HOST'],
    default: DASHBOARD_DEFAULTS.host,
    value: 'H',
    help: 'address to listen on; any address other than loopback needs a token',
  },
  port: {
    env: ['ACCESSLAKE_DASHBOARD_PORT'],
    default: String(DASHBOARD_DEFAULTS.port),
    value: 'P',
    help: 'port (0 picks a free one)',
    parse: (raw, setting) => parseInteger(raw, setting, 0, 65535),
  },
  token: {
    multiple: true,
    env: ['ACCESSLAKE_DASHBOARD_TOKENS'],
    value: 'T',
    help: "bearer token the page's API calls must carry, at least 8 characters; open the page as http://HOST:PORT/#token=T",
  },
});

export const DASHBOARD_COMMAND: CommandSpec<typeof DASHBOARD_SETTINGS> = {
  name: 'dashboard',
  usage: 'usage: accesslake dashboard [--lake ./lake] [--host 127.0.0.1] [--port 8090] [--token T]…',
  description: `Serves a web page over the local lake: the Grafana dashboard's panels (requests by status class, error
rate, latency percentiles, bytes served, top paths, clients and user agents, slowest requests), each
from its named query run on DuckDB, with a time-range picker and auto-refresh. Read-only.`,
  settings: DASHBOARD_SETTINGS,
};
