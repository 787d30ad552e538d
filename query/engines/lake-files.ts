/**
 * Which files of a folder lake a DuckDB query reads (docs/architecture.md, "Compaction"): for each hour
 * of the range, the hour's Parquet object when the hour is below the compaction watermark, otherwise the
 * hour folder's `*.jsonl.gz`. Only the hours asked for are looked at, so a 1-hour query costs the same in
 * a lake of a day and of a year.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CompactionPrefixes,
  compactedObjectKey,
  DEFAULT_COMPACTION_PREFIXES,
  type HourKey,
  hoursBetween,
  isHourKey,
  parseState,
  rawHourPrefix,
  stateObjectKey,
} from '../../lake-contract/index.ts';

/** An inclusive range of event hours, `YYYYMMDDHH`, as the named queries' `{{from_hour}}`/`{{to_hour}}`. */
export interface HourRange {
  from: string;
  to: string;
}

export interface LakeFiles {
  /** Compacted hours: one Parquet file each. */
  parquet: string[];
  /** Raw hours: one `<hour folder>/*.jsonl.gz` glob each, only for folders holding such a file. */
  rawGlobs: string[];
  /** The watermark the split used (null: nothing compacted yet). */
  watermark: HourKey | null;
  /** Objects the view covers: the Parquet files plus the raw files the globs match. */
  objects: number;
}

/** Ranges longer than this are served by walking the hour folders that exist instead. */
const MAX_ENUMERATED_HOURS = 24 * 31;

export async function lakeFilesFor(
  root: string,
  hours: HourRange | undefined,
  prefixes: CompactionPrefixes = DEFAULT_COMPACTION_PREFIXES,
): Promise<LakeFiles> {
  const watermark = await readWatermark(root, prefixes);
  const candidates =
    hours !== undefined && isHourKey(hours.from) && isHourKey(hours.to) && hours.from <= hours.to
      ? hoursBetween(hours.from, hours.to).length <= MAX_ENUMERATED_HOURS
        ? hoursBetween(hours.from, hours.to)
        : (await existingHours(root, prefixes)).filter((h) => h >= hours.from && h <= hours.to)
      : await existingHours(root, prefixes);

  const parquet: string[] = [];
  const rawGlobs: string[] = [];
  let rawObjects = 0;
  for (const hour of candidates) {
    if (watermark !== null && hour < watermark) {
      const file = join(root, compactedObjectKey(prefixes, hour));
      if (await isFile(file)) parquet.push(file);
      // No Parquet object below the watermark: the hour had no raw object when it was compacted.
    } else {
      const folder = join(root, rawHourPrefix(prefixes, hour));
      const count = await rawObjectsIn(folder);
      if (count > 0) rawGlobs.push(join(folder, '*.jsonl.gz'));
      rawObjects += count;
    }
  }
  return { parquet, rawGlobs, watermark, objects: parquet.length + rawObjects };
}

async function readWatermark(root: string, prefixes: CompactionPrefixes): Promise<HourKey | null> {
  const path = join(root, stateObjectKey(prefixes));
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return parseState(text, path).watermark;
}

/** Every hour that has a raw folder or a compacted folder, ascending (a walk of folders, not files). */
async function existingHours(root: string, prefixes: CompactionPrefixes): Promise<HourKey[]> {
  const found = new Set<HourKey>();
  for (const tier of [prefixes.raw, prefixes.compacted]) {
    for (const year of await subfolders(join(root, tier), 'year'))
      for (const month of await subfolders(join(root, tier, `year=${year}`), 'month'))
        for (const day of await subfolders(join(root, tier, `year=${year}`, `month=${month}`), 'day'))
          for (const hour of await subfolders(
            join(root, tier, `year=${year}`, `month=${month}`, `day=${day}`),
            'hour',
          ))
            found.add(`${year}${month}${day}${hour}`);
  }
  return [...found].filter(isHourKey).sort();
}

async function subfolders(dir: string, name: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return entries
    .filter((e) => e.isDirectory() && e.name.startsWith(`${name}=`))
    .map((e) => e.name.slice(name.length + 1));
}

async function rawObjectsIn(folder: string): Promise<number> {
  const names = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return names.filter((n) => n.endsWith('.jsonl.gz')).length;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
