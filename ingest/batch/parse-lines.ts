import type { LineParser } from '../../formats/index.ts';
import type { CanonicalRecord } from '../../lake-contract/index.ts';
import { isPartitionableTs } from '../../lake-contract/index.ts';
import type { RejectedLine, RejectSink } from '../lake/rejects-json-lines.ts';
import { normalizeFields } from '../records/normalize.ts';

export interface ParsedBatch {
  accepted: CanonicalRecord[];
  rejected: RejectedLine[];
}

/** Where a batch's records go the moment they are valid (the ingest writes them out as they come). */
export interface RecordSink {
  /** Takes the record (undefined), or refuses it with the reason, and the line becomes a reject. */
  add(record: CanonicalRecord): string | undefined;
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
  const sink: RecordSink = {
    add: (record) => {
      accepted.push(record);
      return undefined;
    },
  };
  readBatchLines(text, parser, source, sink, arrayRejects(rejected));
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
  const lines = text !== undefined ? textLines(text) : byteLines(body);
  const cursor = { at: 0, lineNo: 1 };
  const pause = () => rejected.full;
  while (!readLines(lines, cursor, parser, source, accepted, rejected, pause)) await rejected.flush();
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
  readLines(textLines(text), { at: 0, lineNo: 1 }, parser, source, accepted, rejected, () => false);
}

interface Cursor {
  /** Where the next line starts (a char index in text, a byte index in bytes). */
  at: number;
  lineNo: number;
}

/**
 * A batch as lines: its text, or its bytes when they are not valid UTF-8. Both split on LF (0x0a never
 * occurs inside a UTF-8 sequence) and drop one CR before it, so line numbers agree either way.
 */
interface LineSource {
  /** Chars of the text, or bytes. */
  readonly length: number;
  /** The index of the next LF at or after `from`, or -1. */
  lineFeed(from: number): number;
  /** Whether the unit at `at` is CR. */
  isCarriageReturn(at: number): boolean;
  /** The line between `from` and `to`, as text (U+FFFD where bytes were invalid). */
  line(from: number, to: number): string;
  /** The exact bytes (base64) of the last line when they were not valid UTF-8, else undefined. */
  exact(): string | undefined;
}

function textLines(text: string): LineSource {
  return {
    length: text.length,
    lineFeed: (from) => text.indexOf('\n', from),
    isCarriageReturn: (at) => text.charCodeAt(at) === 0x0d,
    line: (from, to) => text.slice(from, to),
    exact: () => undefined,
  };
}

/** Each line decoded on its own; one that is not valid UTF-8 keeps its exact bytes for the reject. */
function byteLines(body: Uint8Array): LineSource {
  let exact: string | undefined;
  return {
    length: body.length,
    lineFeed: (from) => body.indexOf(0x0a, from),
    isCarriageReturn: (at) => body[at] === 0x0d,
    line(from, to) {
      const bytes = body.subarray(from, to);
      try {
        exact = undefined;
        return strictUtf8.decode(bytes);
      } catch {
        exact = toBase64(bytes);
        return lossyUtf8.decode(bytes);
      }
    },
    exact: () => exact,
  };
}

/** Reads lines from `cursor` on; false when it stopped early because `pause()` said so. */
function readLines(
  lines: LineSource,
  cursor: Cursor,
  parser: LineParser,
  source: string,
  accepted: RecordSink,
  rejected: RejectSink,
  pause: () => boolean,
): boolean {
  // indexOf per line, not split: a split of 3 million lines held 3 million strings at once.
  while (cursor.at < lines.length) {
    if (pause()) return false;
    let end = lines.lineFeed(cursor.at);
    const next = end === -1 ? lines.length : end + 1;
    if (end === -1) end = lines.length;
    if (end > cursor.at && lines.isCarriageReturn(end - 1)) end--;
    const line = lines.line(cursor.at, end);
    cursor.at = next;
    const lineNo = cursor.lineNo++;
    const reason = readLine(line, parser, source, accepted);
    if (reason !== undefined) rejected.reject(lineNo, reason, line, lines.exact());
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
  return accepted.add(record.data);
}

/** RFC 4648 base64 with `btoa`, which every runtime has; in slices, as a spread has an argument limit. */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
