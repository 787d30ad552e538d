/**
 * File identity: device + inode + a fingerprint of the file's first bytes (shared/DESIGN.md "Agent
 * state"). dev+inode follows a file through a rename (logrotate's default); the fingerprint tells a
 * reused inode or a truncated-and-rewritten file (copytruncate) apart from the file we knew, and
 * recognises a copy (copytruncate's `access.log.1`) as holding the same content.
 *
 * The fingerprint covers the first {@link FINGERPRINT_BYTES} bytes, or fewer while the file is shorter;
 * `fingerprintBytes` says how many, and a later, longer fingerprint of the same file extends it.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { FileEntry } from './checkpoint.ts';

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

/** Reads up to `length` bytes from offset 0; fewer when the file is shorter. */
async function readHead(handle: FileHandle, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

function hash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

/** Fingerprints the first min(size, FINGERPRINT_BYTES) bytes the file holds now. */
export async function readFingerprint(handle: FileHandle, size: number): Promise<Fingerprint> {
  const head = await readHead(handle, Math.min(size, FINGERPRINT_BYTES));
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
