/**
 * The short human summary of a report, in Markdown (for the mail's text part and the file next to the
 * data) and HTML (the mail's HTML part; inline styles only, as mail clients drop style sheets). Both are
 * built from the same section tables, so they always say the same thing.
 */
import { formatBytes } from '../../lib/bytes/index.ts';
import type { Report, ReportRow } from '../model.ts';

/** Where the report's files can be fetched: presigned URLs for S3, paths for a local folder. */
export interface ReportLinks {
  parquet: string[];
  csv: string;
  /** Said next to the links, e.g. "links expire in 7 days". */
  note?: string;
}

interface Table {
  title: string;
  head: string[];
  /** Columns right-aligned (numbers). */
  numeric: boolean[];
  rows: string[][];
}

const MAX_KEY_CHARS = 120;

export function reportTitle(report: Report): string {
  return `accesslake ${report.period.kind} report ${report.period.label}`;
}

/** `2025-01-06 – 2025-01-12 (UTC)` */
export function periodText(report: Report): string {
  const { start, end, timeZone } = report.period;
  return `${start === end ? start : `${start} – ${end}`} (${timeZone})`;
}

/** One line for a mail subject or a log: requests, errors and p95, or "no data". */
export function headline(report: Report): string {
  const t = report.sections.total;
  if (report.empty) return `${periodText(report)}: no data`;
  return `${periodText(report)}: ${t.requests.toLocaleString('en-US')} requests, ${percent(t.errorRate)} 5xx, p95 ${seconds(t.p95)}`;
}

export function renderMarkdown(report: Report, links: ReportLinks): string {
  const out = [
    `# ${reportTitle(report)}`,
    '',
    `${periodText(report)}, UTC range [${report.period.fromTs}, ${report.period.toTs}).`,
    '',
  ];
  if (report.empty) out.push('**No data:** no request was logged in this period.', '');
  for (const table of tables(report)) {
    out.push(`## ${table.title}`, '', `| ${table.head.join(' | ')} |`);
    out.push(`| ${table.numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`);
    for (const row of table.rows) out.push(`| ${row.map(mdCell).join(' | ')} |`);
    out.push('');
  }
  out.push('## Files', '');
  for (const [i, url] of links.parquet.entries())
    out.push(`- Parquet${links.parquet.length > 1 ? ` part ${i + 1}` : ''}: ${url}`);
  out.push(`- CSV (gzip): ${links.csv}`);
  if (links.note) out.push('', `_${links.note}_`);
  return `${out.join('\n')}\n`;
}

export function renderHtml(report: Report, links: ReportLinks): string {
  const cell = 'padding:4px 8px;border-bottom:1px solid #ddd';
  const parts = [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${html(reportTitle(report))}</title></head>`,
    '<body style="font-family:system-ui,sans-serif;font-size:14px;color:#222">',
    `<h1 style="font-size:20px">${html(reportTitle(report))}</h1>`,
    `<p>${html(periodText(report))}, UTC range [${html(report.period.fromTs)}, ${html(report.period.toTs)}).</p>`,
  ];
  if (report.empty) parts.push('<p><strong>No data:</strong> no request was logged in this period.</p>');
  for (const table of tables(report)) {
    parts.push(
      `<h2 style="font-size:16px">${html(table.title)}</h2>`,
      '<table style="border-collapse:collapse">',
    );
    const align = (i: number) => (table.numeric[i] ? 'text-align:right' : 'text-align:left');
    parts.push(
      `<tr>${table.head.map((h, i) => `<th style="${cell};${align(i)}">${html(h)}</th>`).join('')}</tr>`,
    );
    for (const row of table.rows) {
      parts.push(`<tr>${row.map((v, i) => `<td style="${cell};${align(i)}">${html(v)}</td>`).join('')}</tr>`);
    }
    parts.push('</table>');
  }
  parts.push('<h2 style="font-size:16px">Files</h2>', '<ul>');
  for (const [i, url] of links.parquet.entries()) {
    parts.push(`<li>Parquet${links.parquet.length > 1 ? ` part ${i + 1}` : ''}: ${linkHtml(url)}</li>`);
  }
  parts.push(`<li>CSV (gzip): ${linkHtml(links.csv)}</li>`, '</ul>');
  if (links.note) parts.push(`<p><em>${html(links.note)}</em></p>`);
  parts.push('</body></html>');
  return `${parts.join('\n')}\n`;
}

function tables(report: Report): Table[] {
  const s = report.sections;
  const t = s.total;
  const totals: Table = {
    title: 'Totals',
    head: ['requests', 'bytes sent', '4xx', '5xx', 'error rate (5xx)', 'p50', 'p95', 'p99'],
    numeric: [true, true, true, true, true, true, true, true],
    rows: [
      [
        int(t.requests),
        formatBytes(t.bytesSent),
        int(t.clientErrors),
        int(t.serverErrors),
        percent(t.errorRate),
        seconds(t.p50),
        seconds(t.p95),
        seconds(t.p99),
      ],
    ],
  };
  if (report.empty) return [totals];
  const share = (r: ReportRow) => percent(t.requests ? r.requests / t.requests : null);
  return [
    totals,
    {
      title: 'Daily',
      head: ['day', 'requests', 'bytes sent', '4xx', '5xx', 'error rate', 'p95'],
      numeric: [false, true, true, true, true, true, true],
      rows: s.daily.map((r) => [
        key(r),
        int(r.requests),
        formatBytes(r.bytesSent),
        int(r.clientErrors),
        int(r.serverErrors),
        percent(r.errorRate),
        seconds(r.p95),
      ]),
    },
    {
      title: 'Status classes',
      head: ['class', 'requests', 'share'],
      numeric: [false, true, true],
      rows: s.statusClasses.map((r) => [key(r), int(r.requests), share(r)]),
    },
    {
      title: `Top ${report.top} paths`,
      head: ['#', 'path', 'requests', 'bytes sent', '5xx', 'p95'],
      numeric: [true, false, true, true, true, true],
      rows: s.topPaths.map((r) => [
        String(r.rankRequests),
        key(r),
        int(r.requests),
        formatBytes(r.bytesSent),
        int(r.serverErrors),
        seconds(r.p95),
      ]),
    },
    {
      title: `Top ${report.top} clients`,
      head: ['#', 'client', 'requests', 'bytes sent', '4xx', '5xx'],
      numeric: [true, false, true, true, true, true],
      rows: s.topClients.map((r) => [
        String(r.rankRequests),
        key(r),
        int(r.requests),
        formatBytes(r.bytesSent),
        int(r.clientErrors),
        int(r.serverErrors),
      ]),
    },
    {
      title: `Top ${report.top} user agents`,
      head: ['#', 'user agent', 'requests', 'share'],
      numeric: [true, false, true, true],
      rows: s.topUserAgents.map((r) => [String(r.rankRequests), key(r), int(r.requests), share(r)]),
    },
    {
      title: '4xx/5xx hot spots',
      head: ['#', 'path', '4xx', '5xx', 'requests', 'failed share'],
      numeric: [true, false, true, true, true, true],
      rows: s.errorHotSpots.map((r) => [
        String(r.rankErrors),
        key(r),
        int(r.clientErrors),
        int(r.serverErrors),
        int(r.requests),
        percent(r.requests ? (r.clientErrors + r.serverErrors) / r.requests : null),
      ]),
    },
  ].filter((table) => table.title === 'Totals' || table.rows.length > 0);
}

function key(row: ReportRow): string {
  const k = row.key ?? '(all)';
  return k.length > MAX_KEY_CHARS ? `${k.slice(0, MAX_KEY_CHARS - 1)}…` : k;
}

const int = (n: number) => n.toLocaleString('en-US');

/** `0.01234` → `1.23%`. */
export function percent(rate: number | null): string {
  return rate === null ? '–' : `${(rate * 100).toFixed(2)}%`;
}

/** Seconds as people read latency: `12 ms` below a second, `1.234 s` above. */
export function seconds(value: number | null): string {
  if (value === null) return '–';
  return value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(3)} s`;
}

function mdCell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replaceAll('\\', '\\\\')
    .replaceAll('|', '\\|')
    .replaceAll('`', '\\`');
}

function html(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function linkHtml(target: string): string {
  return /^https?:\/\//.test(target)
    ? `<a href="${html(target)}">${html(shortLink(target))}</a>`
    : `<code>${html(target)}</code>`;
}

/** A presigned URL is long; show its path and keep the whole URL in the href. */
function shortLink(url: string): string {
  const u = new URL(url);
  return `${u.host}${decodeURIComponent(u.pathname)}`;
}
