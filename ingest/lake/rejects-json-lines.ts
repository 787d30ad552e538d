/**
 * A batch's rejected lines, written as the rejects object's JSONL bytes the moment each is rejected and
 * gzipped in bounded chunks, one gzip member each (RFC 1952 §2.2: a gzip file is a series of members;
 * lib/gzip reads every member). Nothing per reject is kept: a batch of 3 million junk lines once built
 * 3 million reject objects and one JSONL string past V8's string limit (`RangeError: Invalid string
 * length`, 2 GB RSS); now memory is one chunk plus the compressed output.
 */
import type { GzipCodec } from '../../lib/gzip/index.ts';

/** One reject line, as the rejects object holds it (docs/record.md, "Lake layout"). */
export interface RejectedLine {
  /** 1-based line number within the batch. */
  line_no: number;
  reason: string;
  /** The line as text; invalid UTF-8 shows as U+FFFD here, its exact bytes are in `line_b64`. */
  line: string;
  /** The line's exact bytes, base64 (RFC 4648 §4), present only when the line is not valid UTF-8. */
  line_b64?: string;
}

/** Where a batch's rejected lines go the moment they are rejected. */
export interface RejectSink {
  reject(lineNo: number, reason: string, line: string, lineB64?: string): void;
}

/** Uncompressed bytes gathered before a chunk is gzipped: bounds the memory of the reject path. */
export const REJECTS_CHUNK_BYTES = 1024 * 1024;

const encoder = new TextEncoder();
const LINE_B64 = encoder.encode(',"line_b64":');
const END = encoder.encode('}\n');
/**
 * Rejects are gzipped at level 1 whatever the data objects use: they are read rarely, and a batch of
 * junk compresses several times faster at level 1 for a slightly larger object.
 */
const REJECTS_GZIP_LEVEL = 1;

export class RejectsJsonLines implements RejectSink {
  private buffer = new Uint8Array(64 * 1024);
  private length = 0;
  private readonly members: Uint8Array[] = [];
  private readonly head: Uint8Array;
  private total = 0;
  private first: string | undefined;

  /**
   * `batch`: the fields every reject line starts with (batch id, source, format, the time the batch was
   * received), in this order.
   */
  constructor(
    batch: { batch_id: string; source: string; format: string; received_at: string },
    private readonly gzip: GzipCodec,
  ) {
    const fields = JSON.stringify({
      batch_id: batch.batch_id,
      source: batch.source,
      format: batch.format,
      received_at: batch.received_at,
    });
    this.head = encoder.encode(`${fields.slice(0, -1)},"line_no":`);
  }

  /** Rejected lines so far. */
  get count(): number {
    return this.total;
  }

  /** The first reject's reason, for the log. */
  get firstReason(): string | undefined {
    return this.first;
  }

  /** True when a chunk is full: call {@link flush} before the next reject (memory stays bounded). */
  get full(): boolean {
    return this.length >= REJECTS_CHUNK_BYTES;
  }

  reject(lineNo: number, reason: string, line: string, lineB64?: string): void {
    this.total++;
    this.first ??= reason;
    this.raw(this.head);
    this.digits(lineNo);
    // Junk comes in runs with one reason: its JSON bytes are encoded once per run, not once per line.
    if (reason !== this.lastReason) {
      this.lastReason = reason;
      this.lastReasonBytes = encoder.encode(`,"reason":${JSON.stringify(reason)},"line":`);
    }
    this.raw(this.lastReasonBytes);
    this.text(JSON.stringify(line));
    if (lineB64 !== undefined) {
      this.raw(LINE_B64);
      this.text(JSON.stringify(lineB64));
    }
    this.raw(END);
  }

  /** Gzips the lines gathered so far as one member. */
  async flush(): Promise<void> {
    if (this.length === 0) return;
    this.members.push(await this.gzip.gzip(this.buffer.subarray(0, this.length), REJECTS_GZIP_LEVEL));
    this.length = 0;
  }

  /** The whole rejects object: every member, in order. Empty when nothing was rejected. */
  async gzipped(): Promise<Uint8Array> {
    await this.flush();
    if (this.members.length === 1) return this.members[0]!;
    let size = 0;
    for (const member of this.members) size += member.byteLength;
    const out = new Uint8Array(size);
    let at = 0;
    for (const member of this.members) {
      out.set(member, at);
      at += member.byteLength;
    }
    return out;
  }

  private lastReason: string | undefined;
  private lastReasonBytes = new Uint8Array(0);

  /** A non-negative integer as ASCII digits, without a string. */
  private digits(n: number): void {
    this.reserve(16);
    const start = this.length;
    do {
      this.buffer[this.length++] = 0x30 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
    this.buffer.subarray(start, this.length).reverse();
  }

  private raw(bytes: Uint8Array): void {
    this.reserve(bytes.byteLength);
    this.buffer.set(bytes, this.length);
    this.length += bytes.byteLength;
  }

  private text(text: string): void {
    // At most 3 UTF-8 bytes per UTF-16 unit.
    this.reserve(text.length * 3);
    this.length += encoder.encodeInto(text, this.buffer.subarray(this.length)).written;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.byteLength) return;
    const grown = new Uint8Array(Math.max(this.buffer.byteLength * 2, this.length + bytes));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}
