/**
 * RFC 4180 CSV for the report table when the rows come back from Athena; DuckDB writes its own with
 * `COPY … (FORMAT csv)` and this matches it: a header line, LF line ends (as DuckDB writes), fields
 * quoted when they hold a comma, a quote or a line break, quotes doubled, NULL as an empty field.
 * https://www.rfc-editor.org/rfc/rfc4180
 */

/** The CSV text of `rows`, columns in the order given. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map(field).join(',')];
  for (const row of rows) lines.push(columns.map((c) => field(row[c])).join(','));
  return `${lines.join('\n')}\n`;
}

function field(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
