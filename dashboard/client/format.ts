/**
 * Values as the page shows them, by the Grafana unit names grafana/panels.ts uses: `short` (counts),
 * `s` (seconds), `bytes` and `percentunit` (a 0–1 ratio shown as a percentage).
 */
// The page's sizes read as the CLI's (esbuild bundles lib/bytes into the page script).
import { formatBytes } from '../../lib/bytes/index.ts';

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export function formatValue(value: unknown, unit: string | undefined): string {
  if (value === null || value === undefined) return '–';
  if (typeof value !== 'number') return String(value);
  switch (unit) {
    case 's':
      return formatSeconds(value);
    case 'bytes':
      return formatBytes(value);
    case 'percentunit':
      return `${(value * 100).toFixed(2)}%`;
    default:
      return counts.format(value);
  }
}

export function formatSeconds(seconds: number): string {
  if (seconds === 0) return '0 s';
  if (Math.abs(seconds) < 1) return `${Math.round(seconds * 1000)} ms`;
  return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
}

export { formatBytes };

/** `2025-01-10T14:05:00.000Z` → `2025-01-10 14:05:00 UTC` */
export function formatInstant(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
