/**
 * Delivers one prepared batch: POSTs it (sender.ts retries what can be retried) and, on ingest's 200,
 * records it as shipped in the state (the loop then writes the state: that write is the commit) and
 * logs what ingest said about it. Every other end is an outcome for the loop to act on, or an error
 * that stops the agent.
 */
import type { Logger } from '../../lib/log/index.ts';
import type { PreparedBatch } from '../batching/batch-builder.ts';
import { BatchConflictError, BatchTooLargeError } from '../errors.ts';
import { type AgentState, recordShipped } from '../state/schema.ts';
import { type IngestAnswer, RetriesStopped, RetryLater, type Sender } from './sender.ts';

export type DeliveryOutcome =
  /** Stored by ingest and recorded in the state (not yet written). */
  | { kind: 'shipped' }
  /** The agent is stopping: the pending range is sent again at the next start. */
  | { kind: 'aborted' }
  /** Stopping while ingest cannot be reached: nothing more is sent this run. */
  | { kind: 'undeliverable' }
  /** 413: nothing was stored; the loop splits the range. */
  | { kind: 'too-large'; error: BatchTooLargeError }
  /** Not taken yet (5xx, network): the range stays pending and is sent again after `delayMs`. */
  | { kind: 'retry-later'; reason: string; attempts: number; delayMs: number }
  /** 409: ingest holds other bytes under this key; the file must be told apart again. */
  | { kind: 'conflict'; error: BatchConflictError };

export interface DeliveryContext {
  sender: Sender;
  state: AgentState;
  logger: Logger;
  maxLineBytes: number;
  /** Aborts the request (stopping, the shutdown timeout is up). */
  abort: AbortSignal;
  /** Once aborted, a failed attempt is not retried. */
  noRetry: AbortSignal;
  /**
   * Attempts already made for this batch. Each delivery makes one attempt, so a failing batch never
   * holds up the other files' batches: the loop retries it after the backoff.
   */
  attemptsSoFar: number;
}

/** Sends `batch`; throws the error that must stop the agent (a wrong token, a 4xx, …). */
export async function deliver(batch: PreparedBatch, ctx: DeliveryContext): Promise<DeliveryOutcome> {
  let answer: IngestAnswer;
  try {
    answer = await ctx.sender.send(
      {
        batchId: batch.batchId,
        format: batch.format,
        body: batch.body,
        lines: batch.lines,
        rawBytes: batch.rawBytes,
      },
      ctx.abort,
      ctx.noRetry,
      { firstAttempt: ctx.attemptsSoFar + 1, maxAttempts: 1 },
    );
  } catch (error) {
    if (ctx.abort.aborted) return { kind: 'aborted' };
    if (error instanceof RetriesStopped) {
      ctx.logger.warn('stopping while ingest cannot be reached: the batch is sent at the next start', {
        batchId: batch.batchId,
        reason: error.reason,
      });
      return { kind: 'undeliverable' };
    }
    if (error instanceof BatchTooLargeError) return { kind: 'too-large', error };
    if (error instanceof RetryLater)
      return { kind: 'retry-later', reason: error.reason, attempts: error.attempts, delayMs: error.delayMs };
    if (error instanceof BatchConflictError) return { kind: 'conflict', error };
    throw error;
  }
  recordShipped(ctx.state, batch.entry, {
    ...batch,
    rejected: answer.rejected,
    firstRejectReason: answer.firstRejectReason,
  });
  logShipped(batch, answer, ctx);
  return { kind: 'shipped' };
}

function logShipped(batch: PreparedBatch, answer: IngestAnswer, ctx: DeliveryContext): void {
  const log = ctx.logger;
  const fields = {
    path: batch.entry.path,
    batchId: batch.batchId,
    lines: batch.lines,
    start: batch.start,
    end: batch.end,
  };
  if (batch.cutLines > 0)
    log.warn('cut lines longer than --max-line-bytes', {
      ...fields,
      cut: batch.cutLines,
      maxLineBytes: ctx.maxLineBytes,
    });
  const rejectFields = {
    ...fields,
    rejected: answer.rejected,
    format: batch.format,
    ...(answer.firstRejectReason ? { firstReason: answer.firstRejectReason } : {}),
  };
  if (answer.rejected * 2 > batch.lines)
    log.warn(
      `most of the batch was rejected: are these lines really in the format ${JSON.stringify(batch.format)}? ` +
        'Set --format to the log_format of the file (or auto), then `accesslake rejects replay` ships them again',
      rejectFields,
    );
  else if (answer.rejected > 0)
    log.warn('ingest rejected lines (kept under rejects/ with the reason)', rejectFields);
  log.debug('batch shipped', { ...fields, accepted: answer.accepted });
}
