/**
 * The compressed bodies of batches sent and not yet taken by ingest, kept in memory so that a retry
 * sends the very bytes of the first attempt without reading its range again. Reading again is what the
 * agent does after a restart (the range and its checksum are in the state); within a run, a file
 * truncated under a failing batch (copytruncate during an ingest outage, its copy made before the agent
 * read the range's last bytes) no longer holds the range, and those bytes would be in no file and in no
 * batch (chaos seed 901011). Bodies are let go once no pending range is theirs (at most one a file, plus
 * a batch prepared after it), and at most {@link MAX_HELD_BYTES} are held in all: beyond that, a retry
 * reads the range again as after a restart.
 */
import type { FileEntry } from '../state/schema.ts';

/** 64 MiB of gzip bodies: a few dozen files' full batches during an outage (about 1 MiB each at level 1). */
export const MAX_HELD_BYTES = 64 * 1024 * 1024;

export interface HeldBatch {
  entry: FileEntry;
  batchId: string;
  body: Uint8Array;
}

export class HeldBatches<B extends HeldBatch> {
  /** By batch id. */
  private readonly held = new Map<string, B>();
  private bytes = 0;

  constructor(private readonly maxBytes = MAX_HELD_BYTES) {}

  /** Keeps `batch`, when it fits under the cap. */
  hold(batch: B): void {
    if (this.held.has(batch.batchId) || this.bytes + batch.body.length > this.maxBytes) return;
    this.held.set(batch.batchId, batch);
    this.bytes += batch.body.length;
  }

  /** The batch held for the entry's pending range (same batch id), or undefined. */
  pendingOf(entry: FileEntry): B | undefined {
    const batch = entry.pending ? this.held.get(entry.pending.batchId) : undefined;
    return batch?.entry === entry ? batch : undefined;
  }

  /** Lets go of bodies no pending range needs any more (taken by ingest, given up, or given back). */
  sweep(): void {
    for (const batch of [...this.held.values()])
      if (batch.entry.pending?.batchId !== batch.batchId) this.drop(batch);
  }

  /** Bytes held now. */
  get heldBytes(): number {
    return this.bytes;
  }

  private drop(batch: B): void {
    this.held.delete(batch.batchId);
    this.bytes -= batch.body.length;
  }
}
