/**
 * The time-range picker's choices: a window ending now (15 min … 7 days), or a custom `[from, to)` typed
 * as UTC. The page computes the range once per refresh and sends it to every panel, so all panels
 * describe the same instants.
 */

export const PRESETS: readonly { id: string; label: string; ms: number }[] = [
  { id: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 24 * 3_600_000 },
];

export const REFRESH_CHOICES: readonly { id: string; label: string; ms: number }[] = [
  { id: 'off', label: 'Off', ms: 0 },
  { id: '5s', label: '5 s', ms: 5000 },
  { id: '10s', label: '10 s', ms: 10_000 },
  { id: '30s', label: '30 s', ms: 30_000 },
  { id: '1m', label: '1 min', ms: 60_000 },
  { id: '5m', label: '5 min', ms: 300_000 },
];

export type RangeChoice = { preset: string } | { from: Date; to: Date };

/** The range for a choice at `now`; `to` is exclusive. */
export function resolveRange(choice: RangeChoice, now: Date): { from: Date; to: Date } {
  if ('from' in choice) return choice;
  const preset = PRESETS.find((p) => p.id === choice.preset) ?? PRESETS[1]!;
  return { from: new Date(now.getTime() - preset.ms), to: now };
}

/** A `datetime-local` input's value, read as UTC (`2025-01-10T14:05` → that instant in UTC). */
export function parseUtcInput(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const date = new Date(`${value}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** An instant as a `datetime-local` value in UTC. */
export function toUtcInput(date: Date): string {
  return date.toISOString().slice(0, 16);
}
