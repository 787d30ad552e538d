/**
 * The compressed bodies of batches sent and not yet taken by ingest, kept in memory so that a retry
 * sends the very bytes of the first attempt without reading its range again. Reading again is what the
 * agent does after a restart (the range and its checksum are in the state); within a run, a file
 * truncated under a failing batch (copytruncate during an ingest outage, its copy made before the agent
 * read the range's last bytes) no longer holds the range, and those bytes would be in no file and in no
 * batch (chaos seed 901011). One body per file at most (a newer batch replaces it), and at most
 * {@link MAX_HELD_BYTES} in all: beyond that, a retry reads the range again as after a restart.
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
  private readonly held = new Map<FileEntry, B>();
  private bytes = 0;

  constructor(private readonly maxBytes = MAX_HELD_BYTES) {}

  /** Keeps `batch` for its file, in place of the file's earlier one, when it fits under the cap. */
  hold(batch: B): void {
    this.drop(batch.entry);
    if (this.bytes + batch.body.length > this.maxBytes) return;
    this.held.set(batch.entry, batch);
    this.bytes += batch.body.length;
  }

  /** The batch held for the entry's pending range (same batch id), or undefined. */
  pendingOf(entry: FileEntry): B | undefined {
    const batch = this.held.get(entry);
    return batch && entry.pending?.batchId === batch.batchId ? batch : undefined;
  }

  /** Lets go of bodies no pending range needs any more (taken by ingest, given up, or given back). */
  sweep(): void {
    for (const entry of [...this.held.keys()]) if (!this.pendingOf(entry)) this.drop(entry);
  }

  /** Bytes held now. */
  get heldBytes(): number {
    return this.bytes;
  }

  private drop(entry: FileEntry): void {
    const batch = this.held.get(entry);
    if (!batch) return;
    this.held.delete(entry);
    this.bytes -= batch.body.length;
  }
}
