/**
 * `accesslake rejects replay --format F`: reads rejected lines again with a corrected format, exactly
 * once. Each rejects object is replayed as one batch, through the same parsing, validation and lake
 * writer as ingest, under a batch id derived from the object's key and the format:
 *
 * 1. the lines that now parse go to their hour partitions, the ones that still fail to a new rejects
 *    object with their new reason (both at keys that are pure functions of that batch id, written by
 *    ingest's own `writeBatch`, whose batch claim makes a second write of the same batch a no-op);
 * 2. only then is the old rejects object deleted.
 *
 * A replay interrupted at any point and run again rewrites the same keys with the same bytes, so no
 * record is ever stored twice; a replay repeated after it finished finds nothing left to do: objects
 * already rejected under F are skipped.
 */
import { createHash } from 'node:crypto';
import { resolveLineParser } from '../formats/index.ts';
import { HourlyJsonLines, RejectsJsonLines, readBatchBody, writeBatch } from '../ingest/index.ts';
import { DEFAULT_PREFIXES, type LakePrefixes } from '../lake-contract/index.ts';
import type { GzipCodec } from '../lib/gzip/index.ts';
import type { ObjectStorage } from '../storage/index.ts';
import { listRejectsKeys, readRejectsObject } from './read.ts';

export interface ReplayOptions {
  storage: ObjectStorage;
  gzip: GzipCodec;
  /** The corrected format: a name or an nginx log_format string. */
  format: string;
  /** Only rejects from this source. */
  source?: string;
  prefixes?: LakePrefixes;
  /** Called after each rejects object. */
  onObject?: (progress: ReplayedObject) => void;
}

export interface ReplayedObject {
  key: string;
  /** Lines now in the lake. */
  accepted: number;
  /** Lines that still fail, under their new reason. */
  rejected: number;
  /** The new rejects object of those, if any. */
  rejectsKey: string | undefined;
}

export interface ReplayResult {
  objects: number;
  lines: number;
  accepted: number;
  stillRejected: number;
  /** Objects left alone: another source, or already rejected under this format. */
  skipped: number;
}

const NEWLINE = Buffer.from('\n');

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The batch id of a replay: the same object and format always give the same id, hence the same keys. */
export function replayBatchId(rejectsKey: string, format: string): string {
  return `replay-${sha256Hex(`${rejectsKey}\n${format}`).slice(0, 40)}`;
}

/** Replays every rejects object of the lake (see the module comment for why it is exactly once). */
export async function replayRejects(options: ReplayOptions): Promise<ReplayResult> {
  const prefixes = options.prefixes ?? DEFAULT_PREFIXES;
  const parser = resolveLineParser(options.format);
  const result: ReplayResult = { objects: 0, lines: 0, accepted: 0, stillRejected: 0, skipped: 0 };
  for (const key of await listRejectsKeys(options.storage, prefixes)) {
    const object = await readRejectsObject(options.storage, options.gzip, key);
    if (!object || object.rejects.length === 0) continue;
    const first = object.rejects[0]!;
    const source = first.source;
    if (
      (options.source !== undefined && source !== options.source) ||
      object.rejects.every((r) => r.format === parser.name)
    ) {
      result.skipped++;
      continue;
    }
    // The lines' exact bytes: `line_b64` when a line was not valid UTF-8 (docs/record.md).
    const lines = [...object.rejects]
      .sort((a, b) => a.line_no - b.line_no)
      .map((r) =>
        r.line_b64 !== undefined ? Buffer.from(r.line_b64, 'base64') : Buffer.from(r.line, 'utf8'),
      );
    const body = Buffer.concat(lines.flatMap((line) => [line, NEWLINE]));
    const accepted = new HourlyJsonLines(body.length);
    const batchId = replayBatchId(key, options.format);
    const rejected = new RejectsJsonLines(
      { batch_id: batchId, source, format: parser.name, received_at: new Date().toISOString() },
      options.gzip,
    );
    await readBatchBody(body, parser, source, accepted, rejected);
    // The digest as ingest computes it (ingest/app.ts): how the bytes are read, and the bytes.
    const digest = `sha256:${sha256Hex(`${parser.name}\n${sha256Hex(body)}`)}`;
    const written = await writeBatch(
      { batchId, source, format: parser.name, digest, accepted, rejected },
      { storage: options.storage, gzip: options.gzip, prefixes },
    );
    // Last: until the new objects are all stored, the old rejects object is what a re-run starts from.
    await options.storage.delete(key);
    const rejectsKey = rejected.count > 0 ? written.objects.at(-1) : undefined;
    result.objects++;
    result.lines += lines.length;
    result.accepted += accepted.count;
    result.stillRejected += rejected.count;
    options.onObject?.({ key, accepted: accepted.count, rejected: rejected.count, rejectsKey });
  }
  return result;
}
