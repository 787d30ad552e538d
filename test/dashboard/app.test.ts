/**
 * The dashboard's HTTP app in process (`app.request`): read-only, tokens on the API, the panels' named
 * queries with their SQL and read stats, and clear answers for a bad range, a missing lake and a query
 * DuckDB cannot run. The page itself is tested in a real browser in browser.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardApp, loadAssets, startDashboard } from '../../dashboard/index.ts';
import { PANELS } from '../../grafana/panels.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { createDuckDbEngine } from '../../query/duckdb.ts';
import { type QueryEngine, renderNamedQuery } from '../../query/index.ts';
import { writeGenLake } from '../grafana/gen-lake.ts';

const FROM = '2025-01-10T13:00:00.000Z';
const TO = '2025-01-10T15:00:00.000Z';
const range = `from=${FROM}&to=${TO}`;

let lake: string;
let engine: QueryEngine;
let assets: Awaited<ReturnType<typeof loadAssets>>;
const scratch: string[] = [];
beforeAll(async () => {
  lake = await writeGenLake({ start: Date.parse('2025-01-10T13:00:00Z'), count: 2000, rate: 0.6 });
  engine = await createDuckDbEngine({ lake });
  assets = await loadAssets();
});
afterAll(async () => {
  await engine?.close();
  for (const dir of [lake, ...scratch]) if (dir) await rm(dir, { recursive: true, force: true });
});

const appFor = (options: { tokens?: string[]; lake?: string; engine?: QueryEngine } = {}) =>
  createDashboardApp({
    engine: options.engine ?? engine,
    lake: options.lake ?? lake,
    lakeLabel: './lake',
    assets,
    ...(options.tokens ? { tokens: options.tokens } : {}),
  });

describe('the dashboard app', () => {
  it('answers each panel with the named query it ran, its rows and what it read', async () => {
    const res = await appFor().request(`/api/panels/top-paths?${range}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { sql: string; rows: unknown[]; read: unknown };
    const sql = await renderNamedQuery('top-paths', { from: new Date(FROM), to: new Date(TO) });
    const direct = await engine.query(sql);
    expect(body.sql).toBe(sql);
    expect(body.rows).toEqual(direct.rows);
    expect(body.read).toEqual(direct.read);
    expect(direct.read?.objects).toBeGreaterThan(0);
  });

  it('gives the page the panel definitions the Grafana dashboard is built from, and the lake state', async () => {
    const res = await appFor().request('/api/config');
    expect(await res.json()).toEqual({
      lake: './lake',
      state: 'ready',
      panels: JSON.parse(JSON.stringify(PANELS)),
    });
  });

  it('is read-only', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await appFor().request('/api/config', { method });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('Allow')).toBe('GET, HEAD');
    }
  });

  it('serves uPlot from node_modules, so the page needs no network', async () => {
    const res = await appFor().request('/assets/uPlot.iife.min.js');
    const require = createRequire(import.meta.url);
    const file = join(dirname(require.resolve('uplot')), 'uPlot.iife.min.js');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(await readFile(file, 'utf8'));
    const page = await (await appFor().request('/')).text();
    expect(page).not.toMatch(/https?:\/\//);
    expect((await appFor().request('/assets/app.js')).status).toBe(200);
  });

  it('names a bad range or an unknown panel', async () => {
    const backwards = await appFor().request(`/api/panels/top-paths?from=${TO}&to=${FROM}`);
    expect(backwards.status).toBe(400);
    expect(((await backwards.json()) as { error: string }).error).toMatch(/from .* must be before to/);
    const missing = await appFor().request('/api/panels/top-paths');
    expect(missing.status).toBe(400);
    const unknown = await appFor().request(`/api/panels/nope?${range}`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toContain('the names are: status-classes');
  });

  it('says when the lake folder does not exist or holds no data', async () => {
    const missing = join(tmpdir(), `accesslake-no-such-lake-${process.pid}`);
    const app = appFor({ lake: missing });
    expect(((await (await app.request('/api/config')).json()) as { state: string }).state).toBe('missing');
    const panel = await app.request(`/api/panels/top-paths?${range}`);
    expect(panel.status).toBe(404);
    expect(((await panel.json()) as { error: string }).error).toBe('the lake folder ./lake does not exist');

    const empty = await mkdtemp(join(tmpdir(), 'accesslake-empty-lake-'));
    scratch.push(empty);
    await mkdir(join(empty, '.up', 'agent'), { recursive: true });
    await writeFile(join(empty, '.up', 'access.log'), 'not data\n');
    const emptyApp = appFor({ lake: empty });
    expect(((await (await emptyApp.request('/api/config')).json()) as { state: string }).state).toBe('empty');
  });

  it('answers a query DuckDB cannot run with its reason and the SQL', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'accesslake-broken-lake-'));
    scratch.push(broken);
    const hour = join(broken, 'access_logs', 'year=2025', 'month=01', 'day=10', 'hour=13');
    await mkdir(hour, { recursive: true });
    await writeFile(join(hour, 'access_20250110T130000Z_broken-0.jsonl.gz'), 'this is not gzip');
    const brokenEngine = await createDuckDbEngine({ lake: broken });
    try {
      const res = await appFor({ lake: broken, engine: brokenEngine }).request(
        `/api/panels/top-paths?${range}`,
      );
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: string; sql: string };
      expect(body.error).toMatch(/^DuckDB could not run the query \(cause: .*gzip/i);
      expect(body.sql).toContain('FROM access_logs');
    } finally {
      await brokenEngine.close();
    }
  });
});

describe('dashboard tokens', () => {
  const token = 'dashboard-token-1';
  it('asks every API call for the token, and leaves the page and assets open', async () => {
    const app = appFor({ tokens: [token] });
    expect((await app.request('/api/config')).status).toBe(401);
    const wrong = await app.request('/api/config', { headers: { Authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: string }).error).toContain('#token=');
    const right = await app.request('/api/config', { headers: { Authorization: `Bearer ${token}` } });
    expect(right.status).toBe(200);
    expect((await app.request('/')).status).toBe(200);
    expect((await app.request('/assets/app.js')).status).toBe(200);
  });

  it('refuses to listen beyond loopback without a token', async () => {
    await expect(startDashboard({ lake, host: '0.0.0.0', port: 0 })).rejects.toThrow(ConfigError);
    await expect(startDashboard({ lake, host: '0.0.0.0', port: 0 })).rejects.toThrow(
      /--host 0\.0\.0\.0 lets other machines read the lake: give a token/,
    );
    await expect(startDashboard({ lake, host: '0.0.0.0', port: 0, tokens: ['short'] })).rejects.toThrow(
      /at least 8 characters/,
    );
  });

  it('accesslake dashboard says so in one line and exits 1', () => {
    const bin = new URL('../../bin/accesslake.mjs', import.meta.url).pathname;
    const result = spawnSync(
      process.execPath,
      [bin, 'dashboard', '--lake', lake, '--host', '0.0.0.0', '--port', '0'],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^accesslake dashboard: --host 0\.0\.0\.0 lets other machines read the lake: give a token .*\n$/,
    );
  });

  it('with a token, answers a real HTTP client only when it sends it', async () => {
    // Tests listen on loopback only; the token check is the same on any address.
    const dashboard = await startDashboard({ lake, host: '127.0.0.1', port: 0, tokens: [token] });
    try {
      const url = `http://127.0.0.1:${dashboard.port}`;
      expect((await fetch(`${url}/api/config`)).status).toBe(401);
      const res = await fetch(`${url}/api/config`, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
    } finally {
      await dashboard.close();
    }
  });
});
