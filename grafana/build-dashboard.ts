/**
 * Writes grafana/dashboards/accesslake.json from the named queries: `npm run grafana:dashboard`.
 * Run it after changing athena/queries/*.sql or grafana/panels.ts, and commit the output; the test
 * in test/grafana compares the committed file with what this builds.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildDashboard } from './dashboard.ts';

export const DASHBOARD_FILE = new URL('./dashboards/accesslake.json', import.meta.url);

export async function renderDashboardFile(): Promise<string> {
  return `${JSON.stringify(await buildDashboard(), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(DASHBOARD_FILE, await renderDashboardFile());
  // The repository's formatter owns JSON layout (`npm test` runs biome check on every file).
  execFileSync('npx', ['biome', 'format', '--write', fileURLToPath(DASHBOARD_FILE)], { stdio: 'ignore' });
  console.log(`wrote ${DASHBOARD_FILE.pathname}`);
}
