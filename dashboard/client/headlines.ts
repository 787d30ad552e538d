/**
 * The figures above the charts (grafana/panels.ts `headlines`), computed from the rows the panels
 * fetched, so they are exactly the panels' numbers summed over the range.
 */
import type { Headline } from '../../grafana/index.ts';

/** The headline's value, or null when the panel has no rows (or a zero denominator). */
export function headlineValue(headline: Headline, rows: Record<string, unknown>[]): number | string | null {
  const sum = (column: string) => rows.reduce((total, row) => total + (Number(row[column]) || 0), 0);
  const value = headline.value;
  if ('sum' in value) return rows.length ? sum(value.sum) : null;
  if ('ratio' in value) {
    const denominator = sum(value.ratio[1]);
    return denominator > 0 ? sum(value.ratio[0]) / denominator : null;
  }
  const first = rows[0]?.[value.first];
  return first === undefined || first === null ? null : (first as number | string);
}
