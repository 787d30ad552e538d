/**
 * Table panels: the named query's rows as they come (already ordered and limited by the SQL), numbers
 * right-aligned and formatted by their unit, NULL shown as a dash (a bad request has no path or method).
 */
import type { PanelSpec } from '../../grafana/index.ts';
import { formatValue } from './format.ts';

export function drawTable(
  target: HTMLElement,
  spec: PanelSpec,
  columns: { name: string; type: string }[],
  rows: Record<string, unknown>[],
): void {
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const column of columns) {
    const th = document.createElement('th');
    th.textContent = column.name;
    if (isNumeric(column.type)) th.className = 'num';
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const column of columns) {
      const td = tr.insertCell();
      const value = row[column.name];
      const unit = spec.fields?.[column.name]?.unit ?? (isNumeric(column.type) ? 'short' : undefined);
      td.textContent = formatValue(value, unit);
      td.title = value === null || value === undefined ? 'NULL' : String(value);
      td.dataset.value = value === null || value === undefined ? '' : String(value);
      if (value === null || value === undefined) td.className = 'null';
      else if (isNumeric(column.type)) td.className = 'num';
    }
  }
  target.replaceChildren(table);
}

function isNumeric(type: string): boolean {
  return /^(tinyint|smallint|integer|bigint|real|double|decimal)/.test(type);
}
