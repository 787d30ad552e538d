/**
 * The compaction state: the watermark and the manifest of each compacted hour. It is written last in a
 * run, in one atomic put, so it never points at an hour whose Parquet object is not complete.
 */

import { AccessLakeError } from '../lib/errors/index.ts';
import type { ObjectStorage } from '../storage/index.ts';
import { type CompactionPrefixes, type HourKey, isHourKey, stateObjectKey } from './compaction-layout.ts';

/** What an hour's Parquet object was built from, to notice late raw objects. */
export interface HourManifest {
  /** Raw objects read. */
  objects: number;
  /** SHA-256 (hex) of the raw objects' sorted keys, one per line. */
  digest: string;
  rows: number;
  /** Raw bytes read (gzipped) and Parquet bytes written. */
  bytesIn: number;
  bytesOut: number;
}

export interface CompactionState {
  version: 1;
  /** The first hour not served from Parquet; `null` before the first compaction. */
  watermark: HourKey | null;
  /** Hours below the watermark that had raw objects when compacted. */
  hours: Record<HourKey, HourManifest>;
}

export const EMPTY_STATE: CompactionState = { version: 1, watermark: null, hours: {} };

/** The state object is missing a field or is not JSON: named, with the key, so it can be fixed. */
export class CompactionStateError extends AccessLakeError {}

export async function readState(
  storage: ObjectStorage,
  prefixes: CompactionPrefixes,
): Promise<CompactionState> {
  const key = stateObjectKey(prefixes);
  const bytes = await storage.get(key);
  if (bytes === undefined) return structuredClone(EMPTY_STATE);
  return parseState(new TextDecoder().decode(bytes), `${storage.url}${key}`);
}

export function parseState(text: string, where: string): CompactionState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CompactionStateError(`${where} is not JSON; delete it to recompact every hour`, {
      cause: error,
    });
  }
  const state = value as Partial<CompactionState>;
  const watermark = state.watermark;
  if (
    state.version !== 1 ||
    typeof state.hours !== 'object' ||
    state.hours === null ||
    !(watermark === null || (typeof watermark === 'string' && isHourKey(watermark)))
  ) {
    throw new CompactionStateError(
      `${where}: expected {"version":1,"watermark":"YYYYMMDDHH"|null,"hours":{…}}; delete it to recompact every hour`,
    );
  }
  return state as CompactionState;
}

export async function writeState(
  storage: ObjectStorage,
  prefixes: CompactionPrefixes,
  state: CompactionState,
): Promise<void> {
  const body = new TextEncoder().encode(`${JSON.stringify(state, null, 1)}\n`);
  await storage.put(stateObjectKey(prefixes), body, { contentType: 'application/json' });
}

/** The manifest digest: SHA-256 over the sorted keys, one per line (WebCrypto, so it runs anywhere). */
export async function keysDigest(keys: readonly string[]): Promise<string> {
  const text = [...keys].sort().join('\n');
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
