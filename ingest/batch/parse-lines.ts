import type { LineParser } from '../formats/index.ts';
import type { RejectedLine } from '../lake/write-batch.ts';
import type { CanonicalRecord } from '../records/canonical.ts';
import { normalizeFields } from '../records/normalize.ts';

export interface ParsedBatch {
  accepted: CanonicalRecord[];
  rejected: RejectedLine[];
}

/** Where a batch's records go the moment they are valid (the ingest writes them out as they come). */
export interface RecordSink {
  add(record: CanonicalRecord): void;
}

/** {@link readBatchLines} with the records collected in an array: for tools, tests and benches. */
export function parseBatchLines(text: string, parser: LineParser, source: string): ParsedBatch {
  const accepted: CanonicalRecord[] = [];
  const rejected = readBatchLines(text, parser, source, { add: (record) => accepted.push(record) });
  return { accepted, rejected };
}

/**
 * Splits a batch into lines and turns each into a canonical record, handed to `accepted`, or a rejection
 * with its reason, returned. Every line lands in exactly one of the two; only the empty remainder after
 * the final newline is not a line.
 */
export function readBatchLines(
  text: string,
  parser: LineParser,
  source: string,
  accepted: RecordSink,
): RejectedLine[] {
  const rejected: RejectedLine[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();

  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') {
      rejected.push({ line_no: i + 1, reason: 'empty line', line });
      continue;
    }
    const fields = parser.parse(line);
    if (!fields.success) {
      rejected.push({ line_no: i + 1, reason: fields.error, line });
      continue;
    }
    const record = normalizeFields(fields.data, source);
    if (record.success) accepted.add(record.data);
    else rejected.push({ line_no: i + 1, reason: record.error, line });
  }
  return rejected;
}
