import type { GzipCodec } from '../../lib/gzip/index.ts';
import type { CanonicalRecord } from '../records/canonical.ts';
import type { ObjectStorage } from '../storage/index.ts';
import { dataObjectKey, type HourPartition, hourOf, type LakePrefixes, rejectsObjectKey } from './layout.ts';

/** A line that could not become a record, kept with its reason. */
export interface RejectedLine {
  /** 1-based line number within the batch. */
  line_no: number;
  reason: string;
  line: string;
}

export interface BatchToWrite {
  batchId: string;
  source: string;
  format: string;
  accepted: CanonicalRecord[];
  rejected: RejectedLine[];
}

export interface WrittenBatch {
  /** Storage keys written, data objects first. */
  objects: string[];
  /** The hour partitions the data objects landed in. */
  partitions: HourPartition[];
  bytesWritten: number;
}

export interface WriteBatchOptions {
  storage: ObjectStorage;
  gzip: GzipCodec;
  prefixes: LakePrefixes;
  gzipLevel?: number;
}

/**
 * Writes one batch: a gzipped JSONL object per UTC event hour, then the rejects object. Nothing is
 * acknowledged until every object is stored; a failure part-way leaves objects that the retry of the
 * same batch overwrites with identical keys.
 */
export async function writeBatch(batch: BatchToWrite, options: WriteBatchOptions): Promise<WrittenBatch> {
  const objects: string[] = [];
  const partitions: HourPartition[] = [];
  let bytesWritten = 0;

  const groups = groupByHour(batch.accepted);
  let n = 0;
  for (const records of groups.values()) {
    const key = dataObjectKey(options.prefixes, records[0]!.ts, batch.batchId, n++);
    const body = await options.gzip.gzip(toJsonLines(records), options.gzipLevel);
    await options.storage.put(key, body, { contentType: 'application/gzip' });
    objects.push(key);
    partitions.push(hourOf(records[0]!.ts));
    bytesWritten += body.byteLength;
  }

  if (batch.rejected.length > 0) {
    const receivedAt = new Date().toISOString();
    const lines = batch.rejected.map((r) =>
      JSON.stringify({ batch_id: batch.batchId, source: batch.source, format: batch.format, received_at: receivedAt, ...r }),
    );
    const key = rejectsObjectKey(options.prefixes, batch.batchId);
    const body = await options.gzip.gzip(`${lines.join('\n')}\n`, options.gzipLevel);
    await options.storage.put(key, body, { contentType: 'application/gzip' });
    objects.push(key);
    bytesWritten += body.byteLength;
  }

  return { objects, partitions, bytesWritten };
}

/** Groups in order of each hour's first record; Map keeps insertion order. */
function groupByHour(records: CanonicalRecord[]): Map<string, CanonicalRecord[]> {
  const groups = new Map<string, CanonicalRecord[]>();
  // Neighbouring records nearly always share their hour: compare in place, no key string per record.
  let lastHour = '';
  let lastGroup: CanonicalRecord[] | undefined;
  for (const record of records) {
    if (lastGroup !== undefined && record.ts.startsWith(lastHour)) {
      lastGroup.push(record);
      continue;
    }
    const hour = record.ts.slice(0, HOUR_KEY_LENGTH);
    let group = groups.get(hour);
    if (group) group.push(record);
    else {
      group = [record];
      groups.set(hour, group);
    }
    // A ts shorter than an hour key is not canonical: such a record never takes the fast path.
    lastGroup = hour.length === HOUR_KEY_LENGTH ? group : undefined;
    lastHour = hour;
  }
  return groups;
}

/** `2025-01-10T14`: the canonical ts up to its hour. */
const HOUR_KEY_LENGTH = 13;

/**
 * Records → JSONL text, exactly `records.map((r) => JSON.stringify(r)).join('\n') + '\n'`, built from one
 * `JSON.stringify` of the whole group: a fifth less CPU than a call per record and no long chain of
 * concatenated strings to flatten before encoding.
 * The array's element separators become newlines: `},{"ts":"` can only be a separator, because inside
 * a JSON string `"` is always escaped and after a closing quote comes `,`, `:`, `}` or `]`, never `t`;
 * and every canonical record opens with its `ts`. A record shaped otherwise leaves a separator
 * unmatched, which the count catches, and the group is then stringified record by record.
 */
export function toJsonLines(records: readonly CanonicalRecord[]): string {
  let separators = 0;
  const body = JSON.stringify(records)
    .slice(1, -1)
    .replaceAll(RECORD_SEPARATOR, () => {
      separators++;
      return RECORD_NEWLINE;
    });
  if (separators === records.length - 1) return `${body}\n`;
  let out = '';
  for (const record of records) out += `${JSON.stringify(record)}\n`;
  return out;
}

const RECORD_SEPARATOR = '},{"ts":"';
const RECORD_NEWLINE = '}\n{"ts":"';
