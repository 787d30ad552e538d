/**
 * File identity: device + inode + a fingerprint of the file's first bytes (docs/agent.md, "State file"
 * and "Rotation"). dev+inode follows a file through a rename (logrotate's default); the fingerprint tells a
 * reused inode or a truncated-and-rewritten file (copytruncate) apart from the file we knew, and
 * recognises a copy (copytruncate's `access.log.1`) as holding the same content.
 *
 * The fingerprint covers the first {@link FINGERPRINT_BYTES} bytes, or fewer while the file is shorter;
 * `fingerprintBytes` says how many, and a later, longer fingerprint of the same file extends it.
 *
 * An identical header cannot fool it: a checksum of the {@link CHECKSUM_BYTES} bytes just before an
 * offset the agent has read to (`checksumAt`) tells a file refilled with the same first lines from the
 * one it read, and tells a copy holding the read content from one that merely starts alike.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { FileEntry } from '../state/schema.ts';

/** Bytes hashed into a fingerprint: more than one nginx line, so a timestamp and a client are in it. */
export const FINGERPRINT_BYTES = 512;

export interface Fingerprint {
  /** sha256 of the first `fingerprintBytes` bytes, 32 hex characters. */
  fingerprint: string;
  fingerprintBytes: number;
}

export interface FileIdentity extends Fingerprint {
  dev: number;
  ino: number;
}

/** Bytes hashed into a content checksum: the last two or three lines before an offset. */
export const CHECKSUM_BYTES = 256;

/**
 * Bytes of a file's start the agent remembers as they were (tracked-file.ts `head`): enough for the
 * first lines a truncate-and-refill writes again (logrotate-like tools and the chaos campaign repeat
 * just over the fingerprint). Repeated lines beyond this are counted lost although read again.
 */
export const HEAD_BYTES = 4096;

/** Reads up to `length` bytes from `position`; fewer when the file is shorter. */
export async function readHead(handle: FileHandle, length: number, position = 0): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/**
 * Whether the file's first bytes are `head`'s (a file's first bytes as the agent saw them, tracked-file.ts
 * `head`), as far as both reach; true without a head. Several files can share the fingerprint's 512 bytes
 * (a refill repeats a few lines); the head tells them apart further on.
 */
export async function startsWithHead(
  handle: FileHandle,
  size: number,
  head: Buffer | undefined,
): Promise<boolean> {
  const n = Math.min(size, head?.length ?? 0);
  if (!head || n === 0) return true;
  const bytes = await readHead(handle, n).catch(() => undefined);
  return bytes !== undefined && bytes.length === n && bytes.equals(head.subarray(0, n));
}

function hash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

/** Fingerprints the first min(size, FINGERPRINT_BYTES) bytes the file holds now. */
export async function readFingerprint(handle: FileHandle, size: number): Promise<Fingerprint> {
  const head = await readHead(handle, Math.min(size, FINGERPRINT_BYTES));
  return { fingerprint: hash(head), fingerprintBytes: head.length };
}

/** A file's first bytes, read once, and what they say: see {@link readStart}. */
export interface FileStart extends Fingerprint {
  /** The first min(size, HEAD_BYTES) bytes (tracked-file.ts `head`). */
  head: Buffer;
  /** The size these bytes are the start of: `size`, or the bytes read when the file shrank meanwhile. */
  size: number;
}

/**
 * The fingerprint and the first bytes kept for a later refill (HEAD_BYTES) of a file `size` bytes long
 * (an fstat the caller made), from one read: both describe the same content. Taken apart, a refill
 * between the two reads left the agent with the size seen but none of its first bytes, and the lines
 * the refill wrote again (read again from 0) were counted lost. A file found shorter than `size` by the
 * read shrank after the fstat: the size is then the bytes read, the content they are the start of.
 */
export async function readStart(handle: FileHandle, size: number): Promise<FileStart> {
  const head = await readHead(handle, Math.min(size, HEAD_BYTES));
  const fingerprinted = head.subarray(0, Math.min(head.length, FINGERPRINT_BYTES));
  return {
    fingerprint: hash(fingerprinted),
    fingerprintBytes: fingerprinted.length,
    head,
    size: head.length < Math.min(size, HEAD_BYTES) ? head.length : size,
  };
}

/**
 * The fingerprint over more of the file's first bytes (up to FINGERPRINT_BYTES, `size` at most), or
 * undefined when the file no longer starts with the bytes `known` was taken from: a fingerprint is
 * only ever extended over the same content, never retaken from a file truncated and refilled meanwhile
 * (whose copy would then no longer be recognised).
 */
export async function extendFingerprint(
  handle: FileHandle,
  size: number,
  known: Fingerprint,
): Promise<Fingerprint | undefined> {
  const head = await readHead(handle, Math.min(size, FINGERPRINT_BYTES));
  if (head.length < known.fingerprintBytes) return undefined;
  if (hash(head.subarray(0, known.fingerprintBytes)) !== known.fingerprint) return undefined;
  return { fingerprint: hash(head), fingerprintBytes: head.length };
}

/**
 * True when the file still starts with the bytes `expected` was taken from. A file shorter than the
 * fingerprint (truncated) does not match.
 */
export async function fingerprintMatches(handle: FileHandle, expected: Fingerprint): Promise<boolean> {
  if (expected.fingerprintBytes === 0) return true;
  const head = await readHead(handle, expected.fingerprintBytes);
  return head.length === expected.fingerprintBytes && hash(head) === expected.fingerprint;
}

/**
 * sha256 (32 hex characters) of the bytes [max(0, end - CHECKSUM_BYTES), end): what the file holds just
 * before `end`. Undefined when the file is shorter than `end`: it does not hold that content.
 */
export async function checksumAt(handle: FileHandle, end: number): Promise<string | undefined> {
  const length = Math.min(end, CHECKSUM_BYTES);
  const bytes = await readHead(handle, length, end - length);
  return bytes.length === length ? hash(bytes) : undefined;
}

/**
 * Whether the open file holds the content a state entry describes up to `end` (its committed offset):
 * the same first bytes, at least `end` bytes, and (when the entry has one) the same checksum before
 * `end`. Sizes are from `size` (an fstat the caller made).
 */
export async function holdsContent(
  handle: FileHandle,
  size: number,
  expected: Fingerprint & { checksum: string | null },
  end: number,
): Promise<boolean> {
  if (size < end || size < expected.fingerprintBytes) return false;
  if (!(await fingerprintMatches(handle, expected))) return false;
  if (expected.checksum === null) return true;
  return (await checksumAt(handle, end)) === expected.checksum;
}

/**
 * The id a file's state entry keeps for life. It includes the time the agent first saw the file, so two
 * files that share dev+inode and first bytes (an inode reused for a file with an identical first line, or
 * two empty files) still get different ids and so different batch keys: one can never overwrite the
 * other's objects in the lake. The id is persisted, so it survives restarts unchanged.
 */
export function newFileId(identity: FileIdentity, firstSeenMs: number): string {
  return createHash('sha256')
    .update(
      `${identity.dev}:${identity.ino}:${identity.fingerprint}:${identity.fingerprintBytes}:${firstSeenMs}`,
    )
    .digest('base64url')
    .slice(0, 22);
}

/**
 * The batch's `Idempotency-Key`: a pure function of (file id, start offset, end offset), so a batch sent
 * again after a crash carries the same key and ingest overwrites instead of duplicating. base64url of a
 * sha256 prefix: 32 characters of `[A-Za-z0-9_-]`, which ingest's /^[A-Za-z0-9_-]{8,128}$/ accepts.
 */
export function batchKey(fileId: string, start: number, end: number): string {
  return createHash('sha256').update(`${fileId}:${start}:${end}`).digest('base64url').slice(0, 32);
}

/**
 * How far the agent knows an entry's content, with the checksum before that offset: the end of its
 * pending range (read and sent, perhaps stored by ingest) when the state recorded that range's checksum,
 * else its committed offset. A file holds the entry only if it holds the content up to there: a file
 * refilled with the same first lines holds the committed bytes by checksum but not the range in flight.
 */
export function knownContent(entry: FileEntry): { end: number; checksum: string | null } {
  const pending = entry.pending;
  if (pending?.checksum !== undefined) return { end: pending.end, checksum: pending.checksum };
  return { end: entry.committed, checksum: entry.checksum };
}

/**
 * Bytes of whole lines at the start of `now` that are the same as in `before` (both read from offset
 * 0): the lines a file refilled with the same first lines holds again. 0 when the first line differs.
 */
export function sharedLinePrefix(before: Uint8Array, now: Uint8Array): number {
  const n = Math.min(before.length, now.length);
  let same = 0;
  while (same < n && before[same] === now[same]) same++;
  // Whole lines only: the line the two differ in is not the same line.
  return Buffer.from(now.subarray(0, same)).lastIndexOf(0x0a) + 1;
}

/** The checksum before offset 0: of no bytes. */
export const EMPTY_CHECKSUM = hash(new Uint8Array(0));

/** Whether a state entry was fingerprinted over the same bytes with the same result. */
export function sameFingerprint(entry: Fingerprint, fp: Fingerprint): boolean {
  return entry.fingerprintBytes === fp.fingerprintBytes && entry.fingerprint === fp.fingerprint;
}

/** A state entry for a file seen for the first time, at offset 0. */
export function newEntry(
  path: string,
  format: string,
  stats: Stats,
  fp: Fingerprint,
  now: number,
): FileEntry {
  const identity = { dev: stats.dev, ino: stats.ino, ...fp };
  return {
    id: newFileId(identity, now),
    path,
    format,
    ...identity,
    firstSeen: new Date(now).toISOString(),
    committed: 0,
    checksum: EMPTY_CHECKSUM,
    size: stats.size,
    pending: null,
    rotated: false,
    linesShipped: 0,
    bytesShipped: 0,
    batchesShipped: 0,
    linesCut: 0,
    linesRejected: 0,
    lastAckAt: null,
  };
}
