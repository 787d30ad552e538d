/**
 * The dashboard page: reads the panel definitions and the lake's state from the server, then on every
 * refresh computes one time range, fetches every panel's named query for it and draws charts, tables and
 * the headline figures. The picked range and refresh interval live in the page's query string, so a
 * reload or a shared link shows the same view.
 *
 * For tests and scripts the page marks its state in `data-` attributes: `body[data-refreshes]` counts
 * finished refreshes, `#range[data-from|data-to]` hold the range as ISO, each panel has `data-state`
 * (`loading`, `ready`, `empty`, `error`, `waiting`), `data-objects` and `data-bytes`, and each headline
 * its raw `data-value`.
 */
import type UPlot from 'uplot';
import type { PanelSpec } from '../../grafana/index.ts';
import { ApiError, type DashboardConfig, fetchConfig, fetchPanel, type PanelResult } from './api.ts';
import { drawChart } from './chart.ts';
import { formatBytes, formatInstant, formatValue } from './format.ts';
import { headlineValue } from './headlines.ts';
import {
  PRESETS,
  parseUtcInput,
  type RangeChoice,
  REFRESH_CHOICES,
  resolveRange,
  toUtcInput,
} from './range.ts';
import { drawTable } from './table.ts';

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;

const charts = new Map<string, UPlot>();
let refreshes = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let running: Promise<void> | undefined;

function readChoice(): { range: RangeChoice; refresh: string } {
  const params = new URLSearchParams(location.search);
  const from = parseUtcInput(params.get('from') ?? '');
  const to = parseUtcInput(params.get('to') ?? '');
  const range: RangeChoice = from && to && from < to ? { from, to } : { preset: params.get('range') ?? '1h' };
  const refresh = params.get('refresh') ?? '10s';
  return { range, refresh: REFRESH_CHOICES.some((r) => r.id === refresh) ? refresh : '10s' };
}

function writeChoice(range: RangeChoice, refresh: string): void {
  const params = new URLSearchParams();
  if ('from' in range) {
    params.set('from', toUtcInput(range.from));
    params.set('to', toUtcInput(range.to));
  } else params.set('range', range.preset);
  params.set('refresh', refresh);
  history.replaceState(null, '', `?${params}${location.hash}`);
}

function setupControls(onChange: () => void): void {
  const picker = $<HTMLSelectElement>('#range-picker');
  for (const preset of PRESETS) picker.add(new Option(preset.label, preset.id));
  picker.add(new Option('Custom (UTC)…', 'custom'));
  const refresh = $<HTMLSelectElement>('#refresh');
  for (const choice of REFRESH_CHOICES) refresh.add(new Option(choice.label, choice.id));

  const { range, refresh: every } = readChoice();
  picker.value = 'from' in range ? 'custom' : range.preset;
  refresh.value = every;
  const fromInput = $<HTMLInputElement>('#custom-from');
  const toInput = $<HTMLInputElement>('#custom-to');
  const initial = resolveRange(range, new Date());
  fromInput.value = toUtcInput(initial.from);
  toInput.value = toUtcInput(initial.to);
  const showCustom = () => {
    $('#custom').hidden = picker.value !== 'custom';
  };
  showCustom();

  picker.addEventListener('change', () => {
    showCustom();
    if (picker.value !== 'custom') onChange();
  });
  $('#custom').addEventListener('submit', (event) => {
    event.preventDefault();
    onChange();
  });
  refresh.addEventListener('change', onChange);
  $('#refresh-now').addEventListener('click', onChange);
}

function currentChoice(): { range: RangeChoice; refresh: string } | { error: string } {
  const picker = $<HTMLSelectElement>('#range-picker');
  const refresh = $<HTMLSelectElement>('#refresh').value;
  if (picker.value !== 'custom') return { range: { preset: picker.value }, refresh };
  const from = parseUtcInput($<HTMLInputElement>('#custom-from').value);
  const to = parseUtcInput($<HTMLInputElement>('#custom-to').value);
  if (!from || !to) return { error: 'Custom range: give both times as YYYY-MM-DD HH:MM (UTC).' };
  if (from >= to) return { error: 'Custom range: "from" must be before "to".' };
  return { range: { from, to }, refresh };
}

function buildPanels(panels: PanelSpec[]): void {
  const grid = $('#panels');
  grid.replaceChildren();
  for (const spec of panels) {
    const section = document.createElement('section');
    section.className = `panel ${spec.type}`;
    section.dataset.query = spec.query;
    section.dataset.state = 'waiting';
    // The Grafana grid (24 columns, rows of ~30 px) mapped onto CSS grid lines.
    section.style.setProperty('--grid-column', `${spec.grid.x + 1} / span ${spec.grid.w}`);
    section.innerHTML = `<header><h2></h2><p class="description"></p></header>
      <div class="body"></div><p class="message" hidden></p>
      <details class="sql"><summary><span class="read"></span></summary><pre></pre></details>`;
    section.querySelector('h2')!.textContent = spec.title;
    section.querySelector('.description')!.textContent = spec.description;
    grid.append(section);
  }
  const strip = $('#headlines');
  strip.replaceChildren();
  for (const headline of panels.flatMap((p) => p.headlines ?? [])) {
    const item = document.createElement('div');
    item.className = 'headline';
    item.dataset.headline = headline.id;
    item.innerHTML = '<span class="label"></span><span class="value">–</span>';
    item.querySelector('.label')!.textContent = headline.label;
    strip.append(item);
  }
}

function showPanel(spec: PanelSpec, outcome: PanelResult | ApiError): void {
  const section = $(`section.panel[data-query="${spec.query}"]`);
  const body = section.querySelector<HTMLElement>('.body')!;
  const message = section.querySelector<HTMLElement>('.message')!;
  const sql = outcome instanceof ApiError ? outcome.sql : outcome.sql;
  section.querySelector('pre')!.textContent = sql ?? '(not run)';
  charts.get(spec.query)?.destroy();
  charts.delete(spec.query);
  if (outcome instanceof ApiError) {
    section.dataset.state = 'error';
    body.replaceChildren();
    message.hidden = false;
    message.textContent = `Query failed: ${outcome.message}`;
    section.querySelector('.read')!.textContent = 'SQL';
    delete section.dataset.objects;
    delete section.dataset.bytes;
    return;
  }
  const read = outcome.read;
  section.dataset.objects = String(read?.objects ?? '');
  section.dataset.bytes = String(read?.bytes ?? '');
  section.querySelector('.read')!.textContent = read
    ? `SQL · read ${read.objects} object${read.objects === 1 ? '' : 's'}, ${formatBytes(read.bytes)} · ${outcome.ms} ms`
    : `SQL · ${outcome.ms} ms`;
  if (outcome.rows.length === 0) {
    section.dataset.state = 'empty';
    body.replaceChildren();
    message.hidden = false;
    message.textContent = 'No requests in this range.';
    return;
  }
  section.dataset.state = 'ready';
  message.hidden = true;
  if (spec.type === 'timeseries') {
    body.replaceChildren();
    charts.set(spec.query, drawChart(body, spec, outcome.rows, Math.max(body.clientWidth, 200)));
  } else drawTable(body, spec, outcome.columns, outcome.rows);
}

function showHeadlines(panels: PanelSpec[], results: Map<string, PanelResult | ApiError>): void {
  for (const spec of panels) {
    const result = results.get(spec.query);
    for (const headline of spec.headlines ?? []) {
      const item = $(`[data-headline="${headline.id}"]`);
      const value = result && !(result instanceof ApiError) ? headlineValue(headline, result.rows) : null;
      item.dataset.value = value === null ? '' : String(value);
      item.querySelector('.value')!.textContent = formatValue(value, headline.unit);
    }
  }
}

function showBanner(config: DashboardConfig | undefined, error?: string): void {
  const banner = $('#banner');
  banner.dataset.state = error ? 'error' : (config?.state ?? 'error');
  if (error) banner.textContent = error;
  else if (config?.state === 'missing')
    banner.textContent = `The lake folder ${config.lake} does not exist. Start the pipeline with "accesslake up --lake ${config.lake}", or pass --lake with the folder "accesslake serve" writes to.`;
  else if (config?.state === 'empty')
    banner.textContent = `The lake ${config.lake} holds no records yet. Start the pipeline with "accesslake up", or ship a log with "accesslake serve" and "accesslake agent"; this page refreshes by itself.`;
  banner.hidden = config?.state === 'ready' && !error;
}

async function refresh(): Promise<void> {
  clearTimeout(timer);
  const choice = currentChoice();
  if ('error' in choice) {
    showBanner(undefined, choice.error);
    return;
  }
  writeChoice(choice.range, choice.refresh);
  const range = resolveRange(choice.range, new Date());
  const rangeLabel = $('#range');
  rangeLabel.dataset.from = range.from.toISOString();
  rangeLabel.dataset.to = range.to.toISOString();
  rangeLabel.textContent = `${formatInstant(range.from)} → ${formatInstant(range.to)}`;
  document.body.dataset.loading = 'true';
  try {
    const config = await fetchConfig();
    document.title = `accesslake · ${config.lake}`;
    $('#lake').textContent = config.lake;
    if (!document.querySelector('section.panel')) buildPanels(config.panels);
    showBanner(config);
    const results = new Map<string, PanelResult | ApiError>();
    if (config.state === 'ready') {
      for (const section of document.querySelectorAll<HTMLElement>('section.panel'))
        section.dataset.state = 'loading';
      await Promise.all(
        config.panels.map(async (spec) => {
          const outcome = await fetchPanel(spec.query, range).catch((error: unknown) =>
            error instanceof ApiError ? error : new ApiError(String(error), 0, undefined),
          );
          results.set(spec.query, outcome);
          showPanel(spec, outcome);
        }),
      );
    } else {
      for (const section of document.querySelectorAll<HTMLElement>('section.panel')) {
        section.dataset.state = 'waiting';
        section.querySelector('.body')!.replaceChildren();
        charts.get(section.dataset.query ?? '')?.destroy();
        charts.delete(section.dataset.query ?? '');
      }
    }
    showHeadlines(config.panels, results);
  } catch (error) {
    showBanner(undefined, `Cannot load the dashboard: ${(error as Error).message}`);
  } finally {
    document.body.dataset.loading = 'false';
    document.body.dataset.refreshes = String(++refreshes);
    const every = REFRESH_CHOICES.find((r) => r.id === choice.refresh)?.ms ?? 0;
    if (every > 0) timer = setTimeout(() => void queueRefresh(), every);
  }
}

/** One refresh at a time: a change during a refresh runs once the current one ends. */
function queueRefresh(): Promise<void> {
  // A refresh that threw must not stop the ones after it.
  running = (running ?? Promise.resolve()).catch(() => {}).then(refresh);
  return running;
}

setupControls(() => void queueRefresh());
new ResizeObserver(() => {
  for (const [query, chart] of charts) {
    const body = document.querySelector<HTMLElement>(`section.panel[data-query="${query}"] .body`);
    if (body && Math.abs(body.clientWidth - chart.width) > 4)
      chart.setSize({ width: body.clientWidth, height: 220 });
  }
}).observe($('#panels'));
void queueRefresh();
