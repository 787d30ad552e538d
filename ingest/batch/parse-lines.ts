import type { LineParser } from '../formats/index.ts';
import { isPartitionableTs } from '../lake/layout.ts';
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

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

/**
 * A batch body → {@link readBatchLines}. A body that is valid UTF-8 (nearly every batch) is decoded once;
 * otherwise each line is decoded on its own, and a rejected line that is not valid UTF-8 keeps its exact
 * bytes in `line_b64` (its `line` shows U+FFFD where the bytes were invalid). Lines split on byte 0x0a,
 * which never occurs inside a UTF-8 sequence, so line numbers are the same either way.
 */
export function readBatchBody(
  body: Uint8Array,
  parser: LineParser,
  source: string,
  accepted: RecordSink,
): RejectedLine[] {
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    return readInvalidUtf8Lines(body, parser, source, accepted);
  }
  return readBatchLines(text, parser, source, accepted);
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
    const reason = readLine(line, parser, source, accepted);
    if (reason !== undefined) rejected.push({ line_no: i + 1, reason, line });
  }
  return rejected;
}

/** One line → `accepted`, or the reason it is rejected. */
function readLine(
  line: string,
  parser: LineParser,
  source: string,
  accepted: RecordSink,
): string | undefined {
  if (line.trim() === '') return 'empty line';
  const fields = parser.parse(line);
  if (!fields.success) return fields.error;
  const record = normalizeFields(fields.data, source);
  if (!record.success) return record.error;
  // The partition is built from ts: a record whose ts cannot name one is a reject here, never a failed batch.
  if (!isPartitionableTs(record.data.ts)) {
    return `ts: ${JSON.stringify(record.data.ts)} cannot name an hour partition (years 1970–9999 UTC)`;
  }
  accepted.add(record.data);
  return undefined;
}

function readInvalidUtf8Lines(
  body: Uint8Array,
  parser: LineParser,
  source: string,
  accepted: RecordSink,
): RejectedLine[] {
  const rejected: RejectedLine[] = [];
  let start = 0;
  for (let lineNo = 1; start < body.length; lineNo++) {
    let end = body.indexOf(0x0a, start);
    const next = end === -1 ? body.length : end + 1;
    if (end === -1) end = body.length;
    if (end > start && body[end - 1] === 0x0d) end--;
    const bytes = body.subarray(start, end);
    start = next;
    let line: string;
    let exact: string | undefined;
    try {
      line = strictUtf8.decode(bytes);
    } catch {
      line = lossyUtf8.decode(bytes);
      exact = toBase64(bytes);
    }
    const reason = readLine(line, parser, source, accepted);
    if (reason !== undefined) {
      rejected.push({ line_no: lineNo, reason, line, ...(exact !== undefined ? { line_b64: exact } : {}) });
    }
  }
  return rejected;
}

/** RFC 4648 base64 with `btoa`, which every runtime has; in slices, as a spread has an argument limit. */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
