/** Renders a {@link QueryResult} for the terminal (`table`), spreadsheets (`csv`, RFC 4180) or tools (`json`). */
import { toCsv } from '../lib/csv/index.ts';
import type { QueryResult } from './types.ts';

export const OUTPUT_FORMATS = ['table', 'csv', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function formatResult(result: QueryResult, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(result.rows, null, 2)}\n`;
    case 'csv':
      return toCsv(
        result.columns.map((c) => c.name),
        result.rows,
      );
    case 'table':
      return toTable(result);
  }
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const NUMERIC = /^(tinyint|smallint|integer|bigint|real|double|decimal)/;

function toTable(result: QueryResult): string {
  const { columns, rows } = result;
  if (columns.length === 0) return '(no columns)\n';
  // NULL is shown as such, so it is never mistaken for an empty string.
  const cells = rows.map((row) =>
    columns.map((c) => (row[c.name] === null ? 'NULL' : text(row[c.name]).replace(/[\r\n\t]/g, ' '))),
  );
  const widths = columns.map((c, i) => Math.max(c.name.length, ...cells.map((r) => r[i]!.length)));
  const numeric = columns.map((c) => NUMERIC.test(c.type));
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(columns.map((c) => c.name)), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of cells) out.push(line(r));
  out.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return `${out.join('\n')}\n`;
}
