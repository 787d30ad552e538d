/**
 * Reading the lake's rejects: `<rejects>/rejects_<source>_<batchId>.jsonl.gz`, one JSON line per rejected line as
 * ingest wrote it (`ingest/lake/write-batch.ts`): the batch, source, format, reason and the line itself.
 */

import { DEFAULT_PREFIXES, type LakePrefixes } from '../lake-contract/index.ts';
import { AccessLakeError } from '../lib/errors/index.ts';
import type { GzipCodec } from '../lib/gzip/index.ts';
import type { ObjectStorage } from '../storage/index.ts';

/** One rejected line as stored. */
export interface StoredReject {
  batch_id: string;
  source: string;
  format: string;
  received_at: string;
  line_no: number;
  reason: string;
  line: string;
  /** The line's exact bytes, base64, when it was not valid UTF-8 (then `line` shows U+FFFD). */
  line_b64?: string;
}

/** A rejects object and its lines. */
export interface RejectsObject {
  key: string;
  rejects: StoredReject[];
}

export class RejectsReadError extends AccessLakeError {}

/** A rejects object holds at most one batch's lines: ingest's decompressed cap is 128 MiB by default. */
const MAX_REJECTS_OBJECT_BYTES = 512 * 1024 * 1024;

/** Every rejects object's key, sorted. */
export async function listRejectsKeys(
  storage: ObjectStorage,
  prefixes: LakePrefixes = DEFAULT_PREFIXES,
): Promise<string[]> {
  const keys = await storage.list(`${prefixes.rejects}/`);
  return keys.filter((key) => /\/rejects_[^/]+\.jsonl\.gz$/.test(key));
}

/**
 * One rejects object's lines (undefined when it is gone: another replay removed it meanwhile).
 * @throws {RejectsReadError} when it is not gzipped JSON lines
 */
export async function readRejectsObject(
  storage: ObjectStorage,
  gzip: GzipCodec,
  key: string,
): Promise<RejectsObject | undefined> {
  const body = await storage.get(key);
  if (!body) return undefined;
  let text: string;
  try {
    text = new TextDecoder().decode(await gzip.gunzip(body, MAX_REJECTS_OBJECT_BYTES));
  } catch (error) {
    throw new RejectsReadError(`${key} is not a gzip object`, { cause: error });
  }
  const rejects: StoredReject[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      rejects.push(JSON.parse(line) as StoredReject);
    } catch (error) {
      throw new RejectsReadError(`${key}, line ${i + 1}: not JSON`, { cause: error });
    }
  }
  return { key, rejects };
}
