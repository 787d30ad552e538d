/**
 * One compaction run (docs/architecture.md, "Compaction"): the closed hours from the watermark up to
 * `before`, and the hours below it whose raw objects changed since they were compacted, each written as
 * one Parquet object; then the new state (watermark and manifests) in one atomic put; then
 * `publishWatermark` (the Athena view). A kill at any point leaves the old state, which is exact. A run
 * that writes holds the lake's compaction lease (compact/lease.ts) from before it reads the state until
 * it has published, so a CLI run and the Lambda never overlap on one lake.
 */

import {
  type CompactionPrefixes,
  type CompactionState,
  DEFAULT_COMPACTION_PREFIXES,
  type HourKey,
  type HourManifest,
  hourKeyOf,
  hourOfKey,
  hoursBetween,
  keysDigest,
  nextHour,
  rawHourPrefix,
  readState,
  writeState,
} from '../lake-contract/index.ts';
import { ConfigError, describeError } from '../lib/errors/index.ts';
import type { GzipCodec } from '../lib/gzip/index.ts';
import { type ObjectStorage, StorageError } from '../storage/index.ts';
import { compactHour } from './hour.ts';
import { acquireLease, type Lease, LeaseLostError, type LeaseOptions } from './lease.ts';

export interface CompactOptions {
  storage: ObjectStorage;
  gzip: GzipCodec;
  prefixes?: CompactionPrefixes;
  /** Compact hours that ended at or before this moment. Default: one hour before `now`. */
  before?: Date;
  now?: Date;
  /** How many hours below the watermark to check for late raw objects, or `all`. Default 168 (7 days). */
  recheckHours?: number | 'all';
  /** List, read and count; write nothing. */
  dryRun?: boolean;
  /**
   * Compact at most this many hours in this run (the watermark stops before the first one left), so a
   * Lambda with a time limit makes progress on a long backlog run by run. Default: no limit.
   */
  maxHours?: number;
  /** Each hour as it is done or skipped, for progress output; awaited before the next hour starts. */
  onHour?: (event: HourEvent) => void | Promise<void>;
  /**
   * The lake's compaction lease (owner shown to others, TTL, clock); taken by every run that is not a
   * dry run. Another live holder makes the run throw CompactionBusyError before it reads or writes.
   */
  lease?: LeaseOptions;
  /**
   * Called after the state is written with its watermark (null: nothing compacted yet), on every run
   * that is not a dry run, so a view left behind by a killed run, or not made yet, catches up.
   */
  publishWatermark?: (watermark: HourKey | null) => Promise<void>;
}

export type HourEvent =
  | ({ hour: HourKey; action: 'compacted' | 'recompacted'; ms: number } & HourManifest)
  | { hour: HourKey; action: 'skipped'; reason: string };

export interface CompactResult {
  watermarkBefore: HourKey | null;
  watermark: HourKey | null;
  compacted: Extract<HourEvent, { action: 'compacted' | 'recompacted' }>[];
  skipped: Extract<HourEvent, { action: 'skipped' }>[];
  /** Hours below the watermark whose raw objects still match their manifest. */
  upToDate: number;
  /** Hours in the range with no raw object (no traffic, or rejects only). */
  empty: number;
  dryRun: boolean;
}

export const DEFAULT_RECHECK_HOURS = 168;
const HOUR_MS = 3_600_000;

export async function compactLake(options: CompactOptions): Promise<CompactResult> {
  const prefixes = options.prefixes ?? DEFAULT_COMPACTION_PREFIXES;
  if (options.dryRun) return compactUnderLease(options, undefined);
  const lease = await acquireLease(options.storage, prefixes, options.lease);
  try {
    return await compactUnderLease(options, lease);
  } finally {
    await lease.release();
  }
}

async function compactUnderLease(options: CompactOptions, lease: Lease | undefined): Promise<CompactResult> {
  const prefixes = options.prefixes ?? DEFAULT_COMPACTION_PREFIXES;
  const now = options.now ?? new Date();
  const before = options.before ?? new Date(now.getTime() - HOUR_MS);
  if (Number.isNaN(before.getTime())) throw new ConfigError('--before: not a valid time');
  if (before.getTime() > now.getTime()) {
    throw new ConfigError(
      `--before ${before.toISOString()} is in the future: only closed hours can be compacted`,
    );
  }
  const recheck = options.recheckHours ?? DEFAULT_RECHECK_HOURS;
  const dryRun = options.dryRun ?? false;
  const state = await readState(options.storage, prefixes);
  const w = state.watermark;
  // Hours wholly before `before` are closed: the new watermark is the hour `before` falls in.
  const target = hourKeyOf(new Date(Math.floor(before.getTime() / HOUR_MS) * HOUR_MS));
  let newW: HourKey = w !== null && w > target ? w : target;

  const raw = await listRawHours(options.storage, prefixes, w, newW, recheck);
  const result: CompactResult = {
    watermarkBefore: w,
    watermark: w,
    compacted: [],
    skipped: [],
    upToDate: 0,
    empty: 0,
    dryRun,
  };
  const skip = async (hour: HourKey, reason: string) => {
    const event = { hour, action: 'skipped' as const, reason };
    result.skipped.push(event);
    await options.onHour?.(event);
  };
  const manifests: Record<HourKey, HourManifest> = {};
  const hourOptions = {
    storage: options.storage,
    gzip: options.gzip,
    prefixes,
    dryRun,
    ...(lease ? { beforeWrite: lease.assertFresh } : {}),
  };

  let blockedBy: HourKey | undefined;
  for (const [hour, keys] of raw) {
    const late = w !== null && hour < w;
    if (!late && hour >= newW) {
      if (blockedBy !== undefined && hour < target)
        await skip(hour, `waits for hour ${blockedBy}, which could not be compacted`);
      continue;
    }
    const known = state.hours[hour];
    if (late && known !== undefined) {
      if (keys.length === known.objects && (await keysDigest(keys)) === known.digest) {
        result.upToDate++;
        continue;
      }
      if (keys.length < known.objects) {
        skip(
          hour,
          `${keys.length} raw objects, ${known.objects} when compacted: raw objects were removed (expired?); the compacted hour is kept`,
        );
        continue;
      }
    }
    if (options.maxHours !== undefined && result.compacted.length >= options.maxHours) {
      if (!late && hour < newW) newW = hour;
      continue;
    }
    const started = Date.now();
    try {
      // A fresh listing right before reading: records written since the run began are taken in.
      const snapshot = (await options.storage.list(rawHourPrefix(prefixes, hour))).filter(isRawObject);
      const manifest = await compactHour(hour, snapshot, hourOptions);
      manifests[hour] = manifest;
      const event = {
        hour,
        action: late ? ('recompacted' as const) : ('compacted' as const),
        ms: Date.now() - started,
        ...manifest,
      };
      result.compacted.push(event);
      await options.onHour?.(event);
    } catch (error) {
      // A storage failure or a lost lease stops the run (nothing more can be trusted or written); a bad
      // raw object stops its hour.
      if (error instanceof StorageError || error instanceof LeaseLostError) throw error;
      await skip(hour, describeError(error));
      // The watermark may not pass an hour that is not in Parquet.
      if (!late && hour < newW) {
        newW = hour;
        blockedBy = hour;
      }
    }
  }
  if (w === null || newW > w) result.empty = countEmpty(raw, w, newW);

  if (!dryRun) {
    const next: CompactionState = {
      version: 1,
      watermark: w === null && Object.keys(manifests).length === 0 && raw.size === 0 ? w : newW,
      hours: { ...state.hours, ...manifests },
    };
    if (next.watermark !== w || Object.keys(manifests).length > 0) {
      // The one write another run's state could be lost to: check the lease is still ours, remotely.
      await lease?.assertHeld();
      await writeState(options.storage, prefixes, next);
    }
    result.watermark = next.watermark;
    await options.publishWatermark?.(next.watermark);
  } else result.watermark = w === null && raw.size === 0 ? w : newW;
  return result;
}

/**
 * The raw objects by hour, ascending, for the hours a run looks at: every hour on the first run (one
 * listing of the raw tier) or with `recheck: 'all'`; otherwise the recheck window below the watermark
 * and the hours from it to the new watermark, one listing per hour.
 */
async function listRawHours(
  storage: ObjectStorage,
  prefixes: CompactionPrefixes,
  w: HourKey | null,
  newW: HourKey,
  recheck: number | 'all',
): Promise<Map<HourKey, string[]>> {
  const byHour = new Map<HourKey, string[]>();
  const add = (key: string) => {
    const hour = hourOfKey(key);
    if (hour === undefined || !isRawObject(key)) return;
    const keys = byHour.get(hour);
    if (keys === undefined) byHour.set(hour, [key]);
    else keys.push(key);
  };
  if (w === null || recheck === 'all') {
    for (const key of await storage.list(`${prefixes.raw}/`)) add(key);
  } else {
    const from = nextHour(w, -Math.max(0, recheck));
    const last = nextHour(newW, -1);
    if (from <= last) {
      for (const hour of hoursBetween(from, last)) {
        for (const key of await storage.list(rawHourPrefix(prefixes, hour))) add(key);
      }
    }
  }
  return new Map([...byHour].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function countEmpty(raw: Map<HourKey, string[]>, w: HourKey | null, newW: HourKey): number {
  const first = w ?? [...raw.keys()][0];
  if (first === undefined || first >= newW) return 0;
  return hoursBetween(first, nextHour(newW, -1)).filter((h) => !raw.has(h)).length;
}

const isRawObject = (key: string) => key.endsWith('.jsonl.gz');
