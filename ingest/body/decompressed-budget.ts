/**
 * The memory budget of the ingest: decompressed bytes held across all batches in flight stay under one
 * total. The per-batch cap (`maxDecompressedBytes`) bounds one batch; this bounds their sum, so ten
 * concurrent gzip bombs cannot each inflate to the cap at once. A batch reserves a first guess before
 * it inflates, grows the reservation while its body turns out larger, and gives back what it did not use.
 * When the budget cannot cover a batch the ingest answers 503 + Retry-After, as when it is busy.
 */
import { HttpError } from '../../lib/errors/index.ts';

export interface DecompressedBudget {
  /** A reservation of 0 bytes for one batch; release it when the batch is answered. */
  open(): Reservation;
  /** Bytes reserved now, over all batches. */
  readonly inUse: number;
  readonly totalBytes: number;
}

export interface Reservation {
  /** Sets this batch's reservation to `bytes`; false (nothing changed) when the budget cannot cover the growth. */
  resize(bytes: number): boolean;
  readonly bytes: number;
  release(): void;
}

/** 503 + Retry-After: the batch needs more of the memory budget than is free now. */
export class MemoryBudgetError extends HttpError {
  constructor(neededBytes: number, budget: DecompressedBudget, retryAfterSeconds: number) {
    super(
      503,
      `ingest is busy: this batch needs ${neededBytes} decompressed bytes and ${budget.totalBytes - budget.inUse} ` +
        `of the ${budget.totalBytes}-byte memory budget are free now: retry later`,
      { retryAfterSeconds },
    );
  }
}

export function createDecompressedBudget(totalBytes: number): DecompressedBudget {
  let inUse = 0;
  return {
    get inUse() {
      return inUse;
    },
    totalBytes,
    open() {
      let held = 0;
      return {
        resize(bytes) {
          if (bytes > held && inUse + (bytes - held) > totalBytes) return false;
          inUse += bytes - held;
          held = bytes;
          return true;
        },
        get bytes() {
          return held;
        },
        release() {
          inUse -= held;
          held = 0;
        },
      };
    },
  };
}
