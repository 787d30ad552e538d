/**
 * Where the compacted tier lives (docs/architecture.md, "Compaction"): one Parquet object per event
 * hour at a key that is a pure function of the hour, so rewriting an hour replaces it atomically, and
 * the state object outside every table's location (Athena would try to read it as data otherwise).
 */
import { DEFAULT_PREFIXES, type HourPartition, partitionPath } from './layout.ts';

export interface CompactionPrefixes {
  /** The raw JSON tier, written by the ingest. Default `access_logs`. */
  raw: string;
  /** The Parquet tier. Default `access_logs_compacted`. */
  compacted: string;
  /** The state object's folder. Default `compaction`. */
  state: string;
}

export const DEFAULT_COMPACTION_PREFIXES: CompactionPrefixes = {
  raw: DEFAULT_PREFIXES.data,
  compacted: 'access_logs_compacted',
  state: 'compaction',
};

/** An event hour as `YYYYMMDDHH`, the form of the named queries' partition predicate. */
export type HourKey = string;

const HOUR_KEY = /^\d{10}$/;
const HOUR_MS = 3_600_000;

export function isHourKey(value: string): value is HourKey {
  return HOUR_KEY.test(value) && !Number.isNaN(hourStart(value).getTime());
}

/** `2025011014` → `2025-01-10T14:00:00.000Z`. */
export function hourStart(key: HourKey): Date {
  return new Date(`${key.slice(0, 4)}-${key.slice(4, 6)}-${key.slice(6, 8)}T${key.slice(8, 10)}:00:00.000Z`);
}

/** The hour a moment falls in. */
export function hourKeyOf(date: Date): HourKey {
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}`;
}

export function nextHour(key: HourKey, by = 1): HourKey {
  return hourKeyOf(new Date(hourStart(key).getTime() + by * HOUR_MS));
}

/** Every hour key in `[from, to]`, both inclusive, ascending. */
export function hoursBetween(from: HourKey, to: HourKey): HourKey[] {
  const out: HourKey[] = [];
  for (let t = hourStart(from).getTime(), end = hourStart(to).getTime(); t <= end; t += HOUR_MS)
    out.push(hourKeyOf(new Date(t)));
  return out;
}

export function partitionOf(key: HourKey): HourPartition {
  return { year: key.slice(0, 4), month: key.slice(4, 6), day: key.slice(6, 8), hour: key.slice(8, 10) };
}

/** `access_logs/year=2025/month=01/day=10/hour=14/`: the prefix of an hour's raw objects. */
export function rawHourPrefix(prefixes: CompactionPrefixes, key: HourKey): string {
  return `${prefixes.raw}/${partitionPath(partitionOf(key))}/`;
}

/** `access_logs_compacted/year=2025/month=01/day=10/hour=14/access_logs_2025011014.parquet` */
export function compactedObjectKey(prefixes: CompactionPrefixes, key: HourKey): string {
  return `${prefixes.compacted}/${partitionPath(partitionOf(key))}/access_logs_${key}.parquet`;
}

export function stateObjectKey(prefixes: CompactionPrefixes): string {
  return `${prefixes.state}/state.json`;
}

const PARTITION_IN_KEY = /(?:^|\/)year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/hour=(\d{2})\//;

/** The hour a lake key sits in, or undefined for a key outside the `year=/month=/day=/hour=` layout. */
export function hourOfKey(key: string): HourKey | undefined {
  const m = PARTITION_IN_KEY.exec(key);
  return m ? `${m[1]}${m[2]}${m[3]}${m[4]}` : undefined;
}
