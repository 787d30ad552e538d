/**
 * `accesslake dashboard`: a small web page over the local lake, served by accesslake itself. The page
 * draws the panels of the Grafana dashboard (grafana/panels.ts) from the same named queries, run by the
 * query layer on DuckDB, with a time-range picker and auto-refresh; each panel shows its SQL and the
 * objects and bytes it read. See docs/dashboard.md.
 *
 * @example
 * const dashboard = await startDashboard({ lake: './lake', host: '127.0.0.1', port: 8090 });
 * console.log(dashboard.url); // http://127.0.0.1:8090
 * await dashboard.close();
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNodeServer } from '../ingest/node.ts';
import { ConfigError } from '../lib/errors/index.ts';
import { createDuckDbEngine } from '../query/duckdb.ts';
import { createDashboardApp } from './app.ts';
import { loadAssets } from './assets.ts';
import type { LakeState } from './lake-state.ts';

export { createDashboardApp } from './app.ts';
export { loadAssets } from './assets.ts';
export { type LakeState, lakeState } from './lake-state.ts';

export interface DashboardOptions {
  /** The lake folder (a path or `file://` URL). */
  lake: string;
  /** As the user wrote it, for messages. Default: `lake`. */
  lakeLabel?: string;
  /** Default 127.0.0.1. Any other address needs `tokens`. */
  host?: string;
  /** Default 8090; 0 picks a free port. */
  port?: number;
  /** Bearer tokens for the API, at least 8 characters each (like the ingest's). */
  tokens?: readonly string[];
  /** Injected in tests. */
  checkLake?: (lake: string) => Promise<LakeState>;
}

export interface RunningDashboard {
  /** `http://127.0.0.1:8090` */
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DASHBOARD_DEFAULTS = { host: '127.0.0.1', port: 8090 } as const;

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Starts the dashboard. Throws ConfigError when binding beyond loopback without a token or with a token
 * shorter than 8 characters, ListenError when the port is taken.
 */
export async function startDashboard(options: DashboardOptions): Promise<RunningDashboard> {
  const host = options.host ?? DASHBOARD_DEFAULTS.host;
  const tokens = options.tokens ?? [];
  if (!isLoopback(host) && tokens.length === 0)
    throw new ConfigError(
      `--host ${host} lets other machines read the lake: give a token (--token T or ACCESSLAKE_DASHBOARD_TOKENS) and open the page with #token=T`,
    );
  if (tokens.some((t) => t.length < 8))
    throw new ConfigError('every dashboard token must be at least 8 characters long');
  const lake = options.lake.startsWith('file://') ? fileURLToPath(options.lake) : resolve(options.lake);
  const engine = await createDuckDbEngine({ lake });
  try {
    const app = createDashboardApp({
      engine,
      lake,
      lakeLabel: options.lakeLabel ?? options.lake,
      assets: await loadAssets(),
      tokens,
      ...(options.checkLake ? { checkLake: options.checkLake } : {}),
    });
    const server = await startNodeServer(app.fetch, { host, port: options.port ?? DASHBOARD_DEFAULTS.port });
    return {
      url: server.url,
      port: server.port,
      async close() {
        await server.close();
        await engine.close();
      },
    };
  } catch (error) {
    await engine.close();
    throw error;
  }
}
