import { readFile, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ATHENA_PLUGIN_ID, buildDashboard, DATASOURCE_UID } from '../../grafana/dashboard.ts';
import { PANELS } from '../../grafana/panels.ts';
import { FROM_ISO, TO_ISO, toGrafanaSql } from '../../grafana/time-macros.ts';
import { createDuckDbEngine } from '../../query/duckdb.ts';
import type { QueryEngine } from '../../query/index.ts';
import {
  loadNamedQuery,
  NAMED_QUERIES,
  type NamedQueryName,
  renderNamedQuery,
} from '../../query/named-queries.ts';
import { writeGenLake } from './gen-lake.ts';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFile(new URL(path, root), 'utf8');

interface Panel {
  id: number;
  title: string;
  type: string;
  datasource: { type: string; uid: string };
  targets: { rawSQL: string; format: number; datasource: { type: string } }[];
  transformations: { id: string; options: Record<string, unknown> }[];
}

const dashboardText = await read('grafana/dashboards/accesslake.json');
const dashboard = JSON.parse(dashboardText) as {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; query: string }[] };
};
const grafanaSql = new Map<string, NamedQueryName>();
for (const name of NAMED_QUERIES) grafanaSql.set(toGrafanaSql(await loadNamedQuery(name)), name);

/** What Grafana does to the panel SQL before the Athena plugin sends it. */
function interpolate(sql: string, from: Date, to: Date): string {
  return sql.replaceAll(FROM_ISO, from.toISOString()).replaceAll(TO_ISO, to.toISOString());
}

describe('grafana/dashboards/accesslake.json', () => {
  it('is exactly what grafana/build-dashboard.ts generates from athena/queries (no drift)', async () => {
    expect(JSON.parse(dashboardText)).toEqual(await buildDashboard());
  });

  it('runs one of the named queries, mapped onto the time range, in every panel', () => {
    expect(dashboard.uid).toBe('accesslake');
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(8);
    const used = new Set<string>();
    for (const panel of dashboard.panels) {
      expect(panel.targets, panel.title).toHaveLength(1);
      const target = panel.targets[0]!;
      expect(target.datasource.type).toBe(ATHENA_PLUGIN_ID);
      const name = grafanaSql.get(target.rawSQL);
      expect(name, `${panel.title}: SQL is not a named query`).toBeDefined();
      used.add(name!);
      expect(target.rawSQL).not.toMatch(/\{\{|\}\}/);
    }
    expect([...used].sort()).toEqual([...NAMED_QUERIES].sort());
  });

  it('filters every query on partitions and on the exact time range', () => {
    const fromHour = `date_format(from_iso8601_timestamp('${FROM_ISO}'), '%Y%m%d%H')`;
    const toHour = `date_format(from_iso8601_timestamp('${TO_ISO}'), '%Y%m%d%H')`;
    for (const panel of dashboard.panels) {
      const sql = panel.targets[0]!.rawSQL;
      const where = sql.slice(sql.indexOf('\nWHERE '));
      expect(where, panel.title).toContain(
        `concat(year, month, day, hour) BETWEEN ${fromHour} AND ${toHour}`,
      );
      expect(where).toContain(`AND ts >= '${FROM_ISO}' AND ts < '${TO_ISO}'`);
      // No custom date formats: Grafana renders those in the browser's time zone.
      expect(sql).not.toMatch(/\$\{__(from|to):date:(?!iso\})/);
    }
  });

  it('turns the ISO minute/hour columns into time for every time-series panel', () => {
    const timeseries = dashboard.panels.filter((p) => p.type === 'timeseries');
    // The loop below proves nothing over no panels: the dashboard must hold every time series the panel
    // definitions name, by title.
    const expected = PANELS.filter((p) => p.type === 'timeseries').map((p) => p.title);
    expect(expected.length).toBeGreaterThan(0);
    expect(timeseries.map((p) => p.title)).toEqual(expected);
    for (const panel of timeseries) {
      const convert = panel.transformations.find((t) => t.id === 'convertFieldType');
      expect(convert, panel.title).toBeDefined();
      const field = (convert!.options.conversions as { targetField: string }[])[0]!.targetField;
      expect(panel.targets[0]!.rawSQL).toContain(`AS ${field}`);
    }
  });
});

describe('the Grafana time mapping, run for real on DuckDB', () => {
  let lake: string;
  let engine: QueryEngine;
  beforeAll(async () => {
    // Three hours of generated traffic, through the real ingest into a file lake.
    lake = await writeGenLake({ start: Date.parse('2025-01-10T13:00:00Z'), count: 8000, rate: 0.6 });
    engine = await createDuckDbEngine({ lake });
  });
  afterAll(async () => {
    await engine?.close();
    if (lake) await rm(lake, { recursive: true, force: true });
  });

  it.each([
    ['inside one hour', '2025-01-10T13:20:00.000Z', '2025-01-10T13:50:00.000Z'],
    ['across hours, not on boundaries', '2025-01-10T13:45:12.345Z', '2025-01-10T15:05:00.000Z'],
    ['ending exactly on an hour', '2025-01-10T14:00:00.000Z', '2025-01-10T15:00:00.000Z'],
  ])('gives the query layer’s rows for a range %s', async (_label, fromIso, toIso) => {
    const from = new Date(fromIso);
    const to = new Date(toIso);
    for (const name of ['error-rate', 'status-classes', 'top-paths', 'bytes-served'] as const) {
      const viaGrafana = await engine.query(interpolate(toGrafanaSql(await loadNamedQuery(name)), from, to));
      const viaQueryLayer = await engine.query(await renderNamedQuery(name, { from, to }));
      expect(viaGrafana.rows.length, name).toBeGreaterThan(0);
      expect(viaGrafana.rows, name).toEqual(viaQueryLayer.rows);
    }
  });
});

describe('grafana provisioning', () => {
  it('provisions the Athena datasource the dashboard points at', async () => {
    const file = parse(await read('grafana/provisioning/datasources/athena.yaml')) as {
      datasources: {
        uid: string;
        type: string;
        jsonData: Record<string, string>;
        secureJsonData: Record<string, string>;
      }[];
    };
    const ds = file.datasources[0]!;
    expect(ds.uid).toBe(DATASOURCE_UID);
    expect(ds.type).toBe(ATHENA_PLUGIN_ID);
    expect(ds.jsonData.catalog).toBe('AwsDataCatalog');
    // Secrets come from the environment (.env via docker-compose.yml), never from the file.
    for (const value of [...Object.values(ds.secureJsonData), ds.jsonData.defaultRegion!])
      expect(value).toMatch(/^\$\{[A-Z_]+\}$/);
    expect(dashboard.templating.list.find((v) => v.name === 'datasource')?.query).toBe(ATHENA_PLUGIN_ID);
  });

  it('loads dashboards from the folder docker-compose.yml mounts', async () => {
    const file = parse(await read('grafana/provisioning/dashboards/accesslake.yaml')) as {
      providers: { type: string; options: { path: string } }[];
    };
    expect(file.providers[0]!.type).toBe('file');
    expect(file.providers[0]!.options.path).toBe('/var/lib/grafana/dashboards');
  });
});
