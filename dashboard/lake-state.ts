/**
 * Whether the lake folder the dashboard reads exists and holds data, so the page can say so instead of
 * drawing empty charts: `missing` (no such folder, or a file in its place), `empty` (a folder with no
 * data object yet) or `ready`. Checked on every page load, since `up` or `serve` may create the lake after
 * the dashboard starts.
 */
import type { Dir } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export type LakeState = 'missing' | 'empty' | 'ready';

// Data objects of either tier: the ingest's gzipped JSON lines and compacted Parquet.
const DATA_OBJECT = /\.(jsonl\.gz|parquet)$/;
// Not data: `up`'s run files and the rejected lines.
const SKIPPED = new Set(['.up', 'rejects']);

/** Stops at the first data object found, so a big lake answers as fast as a small one. */
export async function lakeState(root: string): Promise<LakeState> {
  try {
    if (!(await stat(root)).isDirectory()) return 'missing';
  } catch {
    return 'missing';
  }
  return (await holdsData(root)) ? 'ready' : 'empty';
}

async function holdsData(folder: string): Promise<boolean> {
  let dir: Dir;
  try {
    dir = await opendir(folder);
  } catch {
    return false;
  }
  const subfolders: string[] = [];
  // for await closes the Dir when the loop ends, also on an early return.
  for await (const entry of dir) {
    if (entry.isFile() && DATA_OBJECT.test(entry.name)) return true;
    if (entry.isDirectory() && !SKIPPED.has(entry.name)) subfolders.push(join(folder, entry.name));
  }
  for (const sub of subfolders) if (await holdsData(sub)) return true;
  return false;
}
