import type { CanonicalRecord } from '../../lake-contract/index.ts';
import { isPartitionableTs } from '../../lake-contract/index.ts';
import type { LineParser } from '../formats/index.ts';
import type { RejectedLine, RejectSink } from '../lake/rejects-json-lines.ts';
import { normalizeFields } from '../records/normalize.ts';

export interface ParsedBatch {
  accepted: CanonicalRecord[];
  rejected: RejectedLine[];
}

/** Where a batch's records go the moment they are valid (the ingest writes them out as they come). */
export interface RecordSink {
  add(record: CanonicalRecord): void;
}

/** A reject sink the ingest drains while it reads: `full` asks for `flush()` before the next line. */
export interface FlushingRejectSink extends RejectSink {
  readonly full: boolean;
  flush(): Promise<void>;
}

/** {@link readBatchLines} with the records and rejects collected in arrays: for tools, tests and benches. */
export function parseBatchLines(text: string, parser: LineParser, source: string): ParsedBatch {
  const accepted: CanonicalRecord[] = [];
  const rejected: RejectedLine[] = [];
  readBatchLines(text, parser, source, { add: (record) => accepted.push(record) }, arrayRejects(rejected));
  return { accepted, rejected };
}

/** A {@link RejectSink} that keeps {@link RejectedLine} objects: for tools and tests, not the ingest. */
export function arrayRejects(out: RejectedLine[]): RejectSink {
  return {
    reject: (line_no, reason, line, line_b64) =>
      out.push({ line_no, reason, line, ...(line_b64 !== undefined ? { line_b64 } : {}) }),
  };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

/**
 * A batch body → each line to `accepted` or `rejected`. A body that is valid UTF-8 (nearly every batch)
 * is decoded once; otherwise each line is decoded on its own, and a rejected line that is not valid UTF-8
 * keeps its exact bytes in `line_b64` (its `line` shows U+FFFD where the bytes were invalid). Lines split
 * on byte 0x0a, which never occurs inside a UTF-8 sequence, so line numbers are the same either way.
 * Nothing is kept per line: accepted records and rejects are written out as they come, and whenever the
 * rejects' chunk is full it is flushed (gzipped) before reading on, so memory stays bounded however many
 * lines are junk.
 */
export async function readBatchBody(
  body: Uint8Array,
  parser: LineParser,
  source: string,
  accepted: RecordSink,
  rejected: FlushingRejectSink,
): Promise<void> {
  let text: string | undefined;
  try {
    text = strictUtf8.decode(body);
  } catch {
    text = undefined;
  }
  const cursor = { at: 0, lineNo: 1 };
  const pause = () => rejected.full;
  for (;;) {
    const done =
      text !== undefined
        ? readTextLines(text, cursor, parser, source, accepted, rejected, pause)
        : readByteLines(body, cursor, parser, source, accepted, rejected, pause);
    if (done) return;
    await rejected.flush();
  }
}

/**
 * Splits a batch into lines and turns each into a canonical record, handed to `accepted`, or a rejection
 * with its reason, handed to `rejected`. Every line lands in exactly one of the two; only the empty
 * remainder after the final newline is not a line.
 */
export function readBatchLines(
  text: string,
  parser: LineParser,
  source: string,
  accepted: RecordSink,
  rejected: RejectSink,
): void {
  readTextLines(text, { at: 0, lineNo: 1 }, parser, source, accepted, rejected, () => false);
}

interface Cursor {
  /** Where the next line starts (a char index in text, a byte index in bytes). */
  at: number;
  lineNo: number;
}

/** Reads lines from `cursor` on; false when it stopped early because `pause()` said so. */
function readTextLines(
  text: string,
  cursor: Cursor,
  parser: LineParser,
  source: string,
  accepted: RecordSink,
  rejected: RejectSink,
  pause: () => boolean,
): boolean {
  // indexOf per line, not split: a split of 3 million lines held 3 million strings at once.
  while (cursor.at < text.length) {
    if (pause()) return false;
    let end = text.indexOf('\n', cursor.at);
    const next = end === -1 ? text.length : end + 1;
    if (end === -1) end = text.length;
    if (end > cursor.at && text.charCodeAt(end - 1) === 0x0d) end--;
    const line = text.slice(cursor.at, end);
    cursor.at = next;
    const lineNo = cursor.lineNo++;
    const reason = readLine(line, parser, source, accepted);
    if (reason !== undefined) rejected.reject(lineNo, reason, line);
  }
  return true;
}

function readByteLines(
  body: Uint8Array,
  cursor: Cursor,
  parser: LineParser,
  source: string,
  accepted: RecordSink,
  rejected: RejectSink,
  pause: () => boolean,
): boolean {
  while (cursor.at < body.length) {
    if (pause()) return false;
    let end = body.indexOf(0x0a, cursor.at);
    const next = end === -1 ? body.length : end + 1;
    if (end === -1) end = body.length;
    if (end > cursor.at && body[end - 1] === 0x0d) end--;
    const bytes = body.subarray(cursor.at, end);
    cursor.at = next;
    const lineNo = cursor.lineNo++;
    let line: string;
    let exact: string | undefined;
    try {
      line = strictUtf8.decode(bytes);
    } catch {
      line = lossyUtf8.decode(bytes);
      exact = toBase64(bytes);
    }
    const reason = readLine(line, parser, source, accepted);
    if (reason !== undefined) rejected.reject(lineNo, reason, line, exact);
  }
  return true;
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

/** RFC 4648 base64 with `btoa`, which every runtime has; in slices, as a spread has an argument limit. */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
