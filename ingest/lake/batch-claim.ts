/**
 * A batch's claim: one small JSON object per (source, batch id) under the `batches` prefix, created with a
 * create-only write before any of the batch's objects, holding the SHA-256 of the batch's content. It
 * settles what a second request under the same key means:
 * - same content, batch stored: the first answer again, nothing written;
 * - same content, not stored yet (an earlier attempt failed, or one is in flight): write it again;
 * - different content: 409 naming the key, the stored batch left as it was.
 * Of concurrent first requests exactly one creates the claim (`putIfAbsent`), so ten parallel requests
 * mixing two bodies always end with one body stored and the other answered 409.
 */
import { HttpError } from '../../lib/errors/index.ts';
import { type ObjectStorage, StorageError } from '../../storage/index.ts';

/** What a stored batch answered: replayed for the same content under the same key. */
export interface StoredAnswer {
  accepted: number;
  rejected: number;
  objects: string[];
}

export interface BatchClaim {
  batch_id: string;
  source: string;
  format: string;
  /** `sha256:<hex>` of the decompressed body and the format. */
  digest: string;
  claimed_at: string;
  /** Set once every object of the batch is stored. */
  stored?: StoredAnswer & { stored_at: string };
}

/** Same source and Idempotency-Key as a stored or in-flight batch, different content: 409. */
export class BatchConflictError extends HttpError {
  constructor(batchId: string, source: string) {
    super(
      409,
      `Idempotency-Key ${JSON.stringify(batchId)} from source ${JSON.stringify(source)} was already used for ` +
        'different content (other bytes, or the same bytes under another X-Log-Format); the stored batch is ' +
        'unchanged: send this batch under a new key',
    );
  }
}

/**
 * Claims skip the folder driver's fsync: three fsyncs per batch instead of one made small batches several
 * times slower on a busy disk. A claim lost or torn by a power loss only lets the next request under its
 * key take it over (see claimBatch); the batch's data objects stay fsynced.
 */
const CLAIM_PUT = { contentType: 'application/json', durable: false } as const;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Creates the claim, or checks the one that exists. Returns the existing claim when it has the same
 * digest (its `stored` answer, if any, is the first answer), `undefined` when this call created it.
 * @throws {BatchConflictError} when the existing claim has another digest
 * @throws {StorageError} when storage fails or the existing claim is unreadable
 */
export async function claimBatch(
  storage: ObjectStorage,
  key: string,
  claim: BatchClaim,
): Promise<BatchClaim | undefined> {
  const body = encoder.encode(JSON.stringify(claim));
  // A claim deleted between the two calls (a lifecycle rule) is created again: at most twice.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await storage.putIfAbsent(key, body, CLAIM_PUT)) return undefined;
    const bytes = await storage.get(key);
    if (bytes === undefined) continue;
    const existing = parseClaim(bytes);
    if (existing === undefined) {
      // Claims are written without fsync (CLAIM_PUT): a power loss can leave one empty or torn. Nothing
      // can be compared with it, so this batch takes it over; its data objects were fsynced, the claim not.
      await storage.put(key, body, CLAIM_PUT);
      return undefined;
    }
    if (existing.digest !== claim.digest) throw new BatchConflictError(claim.batch_id, claim.source);
    return existing;
  }
  throw new StorageError(`batch claim ${key} vanished twice while being created`);
}

/** Marks the claim stored with the batch's answer: from now on the same content gets this answer. */
export async function markStored(
  storage: ObjectStorage,
  key: string,
  claim: BatchClaim,
  answer: StoredAnswer,
): Promise<void> {
  const stored: BatchClaim = { ...claim, stored: { ...answer, stored_at: new Date().toISOString() } };
  await storage.put(key, encoder.encode(JSON.stringify(stored)), CLAIM_PUT);
}

/** The claim under `key`; `undefined` when there is none or it is torn. */
export async function readClaim(storage: ObjectStorage, key: string): Promise<BatchClaim | undefined> {
  const bytes = await storage.get(key);
  return bytes === undefined ? undefined : parseClaim(bytes);
}

function parseClaim(bytes: Uint8Array): BatchClaim | undefined {
  try {
    const parsed = JSON.parse(decoder.decode(bytes)) as BatchClaim;
    return typeof parsed?.digest === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
