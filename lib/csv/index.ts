/**
 * CSV as RFC 4180 writes it (https://www.rfc-editor.org/rfc/rfc4180): a header line, CRLF after every
 * record, a field quoted when it holds a comma, a quote or a line break, quotes inside doubled. NULL and
 * undefined are empty fields; objects (DuckDB lists and structs) are their JSON text. The one CSV writer
 * of accesslake: `query --output csv` and the report's CSV.gz (its DuckDB path asks COPY for the same
 * line end, `NEW_LINE '\r\n'`).
 */

/** The record separator RFC 4180 prescribes (section 2, rule 1). */
export const CSV_LINE_END = '\r\n';

/** One field's text, quoted when it must be. */
export function csvField(value: unknown): string {
  const text = fieldText(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The CSV text of `rows` under a header of `columns`, columns in the order given.
 * @example toCsv(['a', 'b'], [{ a: 1, b: 'x,y' }]) === 'a,b\r\n1,"x,y"\r\n'
 */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(','));
  return `${lines.join(CSV_LINE_END)}${CSV_LINE_END}`;
}

function fieldText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object')
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}
