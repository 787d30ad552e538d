/**
 * A batch ingest did not take, and what that means for its file. 5xx or network: its range stays
 * pending, the file backs off alone and the batch goes again, same bytes, same key, once the backoff is
 * over. 409: ingest holds other bytes under this key, so the file changed under the agent: it is told
 * apart again and read under a new id (new batch keys); the bytes ingest holds stay stored, nothing is
 * dropped unsaid. Either way a batch already prepared from the same file cannot go first: it is given
 * back to its file and read again later.
 */
import type { Logger } from '../../lib/log/index.ts';
import type { PreparedBatch } from '../batching/batch-builder.ts';
import type { DeliveryOutcome } from '../delivery/deliver.ts';
import type { FileTracker } from '../rotation/tracker.ts';
import type { FailingBatches } from '../state/failing-batches.ts';
import { rewind } from './drain.ts';

/** The outcomes a batch is set aside for: tried again after a backoff, or its file told apart again. */
export type UnsentOutcome = Extract<DeliveryOutcome, { kind: 'retry-later' | 'conflict' }>;

export interface SetAsideParts {
  tracker: FileTracker;
  failing: FailingBatches;
  logger: Logger;
}

/**
 * Records `outcome` for `batch`'s file: its backoff (retry-later), or a new identity (conflict).
 * @param prepared the batch the loop prepared to send next, if any
 * @returns the prepared batch still to send: null when it was from the same file (given back to it)
 */
export async function setAsideUnsent(
  batch: PreparedBatch,
  outcome: UnsentOutcome,
  prepared: PreparedBatch | null,
  { tracker, failing, logger }: SetAsideParts,
): Promise<PreparedBatch | null> {
  const next = prepared?.entry === batch.entry ? null : prepared;
  if (prepared && !next) rewind(tracker, prepared);
  if (outcome.kind === 'retry-later') {
    failing.failed(batch.entry, batch, outcome, Date.now());
    return next;
  }
  failing.clear(batch.entry);
  logger.warn(
    'ingest holds other bytes under this batch key (409): the file changed under the agent; reading it again as a new file',
    {
      path: batch.entry.path,
      batchId: batch.batchId,
      start: batch.start,
      end: batch.end,
      error: outcome.error,
    },
  );
  await tracker.reidentify(batch.entry, Date.now());
  return next;
}
