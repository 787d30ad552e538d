/**
 * Time-series panels drawn with uPlot (loaded by the page as the global `uPlot`, from node_modules). The
 * rows arrive as the named query returns them: one row per minute or hour, its time as ISO text in
 * `timeField`, one column per series, or (with `seriesBy`) long rows pivoted to one series per value.
 * Stacked panels draw cumulative sums, while legend and tooltip show each series' own value.
 */
import type UPlot from 'uplot';
import type { PanelSpec } from '../../grafana/index.ts';
import { formatValue } from './format.ts';

declare const uPlot: typeof UPlot;

/** Grafana's named colours as grafana/panels.ts uses them, then a palette for the rest. */
const NAMED: Record<string, string> = {
  orange: '#ff9830',
  red: '#f2495c',
  purple: '#b877d9',
  green: '#73bf69',
};
const PALETTE = ['#5794f2', '#73bf69', '#ff9830', '#f2495c', '#b877d9', '#fade2a', '#8ab8ff', '#ca95e5'];
// Status classes keep their conventional colours whatever order they come in.
const CLASS_COLOURS: Record<string, string> = {
  '1xx': '#8ab8ff',
  '2xx': '#73bf69',
  '3xx': '#5794f2',
  '4xx': '#ff9830',
  '5xx': '#f2495c',
};

export interface Series {
  name: string;
  values: (number | null)[];
}

/** Rows → x (Unix seconds, ascending) and named series. */
export function toSeries(
  spec: PanelSpec,
  rows: Record<string, unknown>[],
): { xs: number[]; series: Series[] } {
  const timeField = spec.timeField!;
  const hidden = new Set([timeField, ...(spec.hide ?? [])]);
  const xs = [...new Set(rows.map((row) => Date.parse(String(row[timeField])) / 1000))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  if (spec.seriesBy) {
    hidden.add(spec.seriesBy);
    const valueColumn = Object.keys(rows[0] ?? {}).find((name) => !hidden.has(name));
    const byName = new Map<string, (number | null)[]>();
    for (const row of rows) {
      const name = String(row[spec.seriesBy] ?? '(null)');
      const values = byName.get(name) ?? xs.map(() => 0);
      byName.set(name, values);
      values[index.get(Date.parse(String(row[timeField])) / 1000)!] = toNumber(row[valueColumn ?? '']);
    }
    const names = [...byName.keys()].sort();
    return { xs, series: names.map((name) => ({ name, values: byName.get(name)! })) };
  }
  const columns = Object.keys(rows[0] ?? {}).filter((name) => !hidden.has(name));
  const series = columns.map((name) => {
    const values: (number | null)[] = xs.map(() => null);
    for (const row of rows)
      values[index.get(Date.parse(String(row[timeField])) / 1000)!] = toNumber(row[name]);
    return { name, values };
  });
  return { xs, series };
}

function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Draws (or redraws) the chart into `target`; returns the uPlot instance for resizing and disposal. */
export function drawChart(
  target: HTMLElement,
  spec: PanelSpec,
  rows: Record<string, unknown>[],
  width: number,
): UPlot {
  const { xs, series } = toSeries(spec, rows);
  const drawn = spec.stacked ? stack(series) : series;
  const hasRight = series.some((s) => spec.fields?.[s.name]?.axis === 'right');
  const unitOf = (name: string) => spec.fields?.[name]?.unit ?? spec.unit;
  const rightUnit = series.find((s) => spec.fields?.[s.name]?.axis === 'right');
  const bars = spec.bars ? uPlot.paths.bars?.({ size: [0.7, 60], align: 0 }) : undefined;

  const options: UPlot.Options = {
    width,
    height: 220,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    cursor: { points: { show: false } },
    legend: { live: true },
    scales: { x: { time: true }, y: { auto: true, range: (_u, _min, max) => [0, max > 0 ? max : 1] } },
    axes: [
      {
        stroke: '#9aa3ad',
        grid: { stroke: '#2a2f36' },
        ticks: { stroke: '#2a2f36' },
        // 24-hour UTC times; the date too when the range spans days.
        values: (_u, ticks) => {
          const days = ticks.length > 1 && ticks.at(-1)! - ticks[0]! > 86_400;
          return ticks.map((v) =>
            new Date(v * 1000)
              .toISOString()
              .slice(days ? 5 : 11, 16)
              .replace('T', ' '),
          );
        },
      },
      {
        stroke: '#9aa3ad',
        grid: { stroke: '#2a2f36' },
        ticks: { stroke: '#2a2f36' },
        size: 76,
        values: (_u, ticks) => ticks.map((v) => formatValue(v, spec.unit)),
      },
      ...(hasRight
        ? [
            {
              scale: 'right',
              side: 1,
              stroke: '#9aa3ad',
              grid: { show: false },
              size: 76,
              values: (_u: UPlot, ticks: number[]) =>
                ticks.map((v) => formatValue(v, rightUnit ? unitOf(rightUnit.name) : spec.unit)),
            },
          ]
        : []),
    ],
    series: [
      {
        value: (_u, v) =>
          v === null ? '–' : new Date(v * 1000).toISOString().slice(0, 16).replace('T', ' '),
      },
      ...series.map((s, i) => {
        const field = spec.fields?.[s.name];
        const colour =
          (field?.color && NAMED[field.color]) ?? CLASS_COLOURS[s.name] ?? PALETTE[i % PALETTE.length]!;
        return {
          label: s.name,
          stroke: colour,
          width: 1.5,
          ...(field?.axis === 'right' ? { scale: 'right' } : {}),
          ...(spec.bars || spec.stacked ? { fill: `${colour}cc` } : { fill: `${colour}1a` }),
          ...(bars ? { paths: bars } : {}),
          points: { show: false },
          // The legend shows the series' own value, also when drawn stacked.
          value: (_u: UPlot, _v: number | null, _si: number, idx: number | null) =>
            idx === null ? '–' : formatValue(s.values[idx] ?? null, unitOf(s.name)),
        };
      }),
    ],
  };
  if (spec.stacked) {
    // The last series is drawn on top of the others' sum: draw from the top down, so each fill is visible.
    options.series = [options.series[0]!, ...options.series.slice(1).reverse()];
    const data = [xs, ...drawn.map((s) => s.values).reverse()] as UPlot.AlignedData;
    return new uPlot(options, data, target);
  }
  return new uPlot(options, [xs, ...drawn.map((s) => s.values)] as UPlot.AlignedData, target);
}

/** Cumulative sums, for drawing stacked series. */
function stack(series: Series[]): Series[] {
  const sums: number[] = [];
  return series.map((s) => ({
    name: s.name,
    values: s.values.map((v, i) => {
      sums[i] = (sums[i] ?? 0) + (v ?? 0);
      return sums[i]!;
    }),
  }));
}
