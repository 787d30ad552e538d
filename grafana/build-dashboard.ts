/**
 * Writes grafana/dashboards/accesslake.json from the named queries: `npm run grafana:dashboard`.
 * Run it after changing athena/queries/*.sql or grafana/panels.ts, and commit the output.
 */
import { writeFile } from 'node:fs/promises';
import { buildDashboard } from './dashboard.ts';

export const DASHBOARD_FILE = new URL('./dashboards/accesslake.json', import.meta.url);

export async function renderDashboardFile(): Promise<string> {
  return `${JSON.stringify(await buildDashboard(), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(DASHBOARD_FILE, await renderDashboardFile());
  console.log(`wrote ${DASHBOARD_FILE.pathname}`);
}
