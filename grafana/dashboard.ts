/**
 * Builds the Grafana dashboard JSON from {@link PANELS} and the named-query templates. The output is
 * committed as grafana/dashboards/accesslake.json (provisioned by docker-compose.yml); a test rebuilds
 * it and fails when the two differ, so the dashboard cannot drift from athena/queries/.
 */
import { loadNamedQuery } from '../query/index.ts';
import { PANELS, type PanelSpec } from './panels.ts';
import { toGrafanaSql } from './time-macros.ts';

/** The provisioned Athena datasource (grafana/provisioning/datasources/athena.yaml). */
export const DATASOURCE_UID = 'accesslake-athena';
export const ATHENA_PLUGIN_ID = 'grafana-athena-datasource';
// The dashboard's datasource variable, so a differently named Athena datasource can be picked.
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana variable syntax, not a JS template
const DATASOURCE = { type: ATHENA_PLUGIN_ID, uid: '${datasource}' };
/** The plugin's query formats (athena-datasource src/types.ts `FormatOptions`). */
const FORMAT_TABLE = 1;

type Json = Record<string, unknown>;

export async function buildDashboard(): Promise<Json> {
  const panels: Json[] = [];
  for (const [index, spec] of PANELS.entries()) {
    panels.push(panel(spec, index + 1, toGrafanaSql(await loadNamedQuery(spec.query))));
  }
  return {
    uid: 'accesslake',
    title: 'accesslake: nginx access logs',
    description: 'Named queries from athena/queries/, run on Athena for the picked time range.',
    tags: ['accesslake', 'nginx', 'athena'],
    editable: true,
    graphTooltip: 1,
    // Every refresh is an Athena scan billed per byte: no auto-refresh by default.
    refresh: '',
    schemaVersion: 39,
    time: { from: 'now-6h', to: 'now' },
    timezone: 'utc',
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Athena',
          type: 'datasource',
          query: ATHENA_PLUGIN_ID,
          current: { text: 'accesslake Athena', value: DATASOURCE_UID },
          hide: 0,
          refresh: 1,
        },
      ],
    },
    annotations: { list: [] },
    links: [],
    panels,
  };
}

function panel(spec: PanelSpec, id: number, rawSQL: string): Json {
  const transformations: Json[] = [];
  if (spec.timeField) {
    transformations.push({
      id: 'convertFieldType',
      options: { conversions: [{ targetField: spec.timeField, destinationType: 'time' }], fields: {} },
    });
  }
  if (spec.seriesBy) {
    transformations.push({
      id: 'partitionByValues',
      options: { fields: [spec.seriesBy], keepFields: false },
    });
  }
  if (spec.hide?.length) {
    transformations.push({
      id: 'organize',
      options: { excludeByName: Object.fromEntries(spec.hide.map((name) => [name, true])) },
    });
  }

  const overrides = Object.entries(spec.fields ?? {}).map(([name, field]) => ({
    matcher: { id: 'byName', options: name },
    properties: [
      ...(field.unit ? [{ id: 'unit', value: field.unit }] : []),
      ...(field.axis ? [{ id: 'custom.axisPlacement', value: field.axis }] : []),
      ...(field.color ? [{ id: 'color', value: { mode: 'fixed', fixedColor: field.color } }] : []),
    ],
  }));
  const custom =
    spec.type === 'timeseries'
      ? {
          drawStyle: spec.bars ? 'bars' : 'line',
          fillOpacity: spec.bars ? 80 : 10,
          lineWidth: 1,
          showPoints: 'never',
          stacking: { mode: spec.stacked ? 'normal' : 'none', group: 'A' },
        }
      : { align: 'auto' };

  return {
    id,
    type: spec.type,
    title: spec.title,
    description: `${spec.description} Query: athena/queries/${spec.query}.sql`,
    datasource: DATASOURCE,
    gridPos: spec.grid,
    targets: [
      {
        refId: 'A',
        datasource: DATASOURCE,
        format: FORMAT_TABLE,
        rawSQL,
        connectionArgs: { region: '__default', catalog: '__default', database: '__default' },
      },
    ],
    transformations,
    fieldConfig: { defaults: { unit: spec.unit ?? 'short', custom }, overrides },
    options:
      spec.type === 'timeseries'
        ? {
            legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
            tooltip: { mode: 'multi' },
          }
        : { showHeader: true, cellHeight: 'sm' },
  };
}
