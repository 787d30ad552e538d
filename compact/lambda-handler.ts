/**
 * The compaction Lambda's handler, apart from its settings (functions/compact.ts reads those once): one
 * scheduled run over the S3 lake, at most `maxHours` hours, then the Athena view replaced. A run that
 * finds the lake's compaction lease held (a CLI run, or an invocation still running) is no failure: it
 * returns `{ busy, holder }` having written nothing, and the next schedule catches up.
 */

import type { GzipCodec } from '../lib/gzip/index.ts';
import type { QueryEngine } from '../query/index.ts';
import type { ObjectStorage } from '../storage/index.ts';
import { DEFAULT_VIEW_NAMES, publishAthenaView } from './athena-view.ts';
import { CompactionBusyError, type LeaseRecord } from './lease.ts';
import { compactLake, type HourEvent } from './run.ts';

export interface CompactHandlerOptions {
  storage: ObjectStorage;
  gzip: GzipCodec;
  /** Where `CREATE OR REPLACE VIEW` runs (the Athena engine in the query workgroup). */
  athena: QueryEngine;
  database: string;
  maxHours: number;
  /** One log line per hour and for a busy lease; default `console.log`. */
  log?: (line: string) => void;
}

export type CompactHandlerResult =
  | { watermark: string | null; compacted: string[]; skipped: Extract<HourEvent, { action: 'skipped' }>[] }
  | { busy: string; holder: LeaseRecord | undefined };

/** EventBridge's scheduled event (`time`: the scheduled moment, ISO-8601) and the Lambda context. */
export function createCompactHandler(o: CompactHandlerOptions) {
  const log = o.log ?? console.log;
  return async (
    event: { time?: string } = {},
    context: { awsRequestId?: string } = {},
  ): Promise<CompactHandlerResult> => {
    try {
      const result = await compactLake({
        storage: o.storage,
        gzip: o.gzip,
        ...(event.time ? { now: new Date(event.time) } : {}),
        maxHours: o.maxHours,
        onHour: (e) => log(JSON.stringify(e)),
        lease: { owner: `compaction Lambda request ${context.awsRequestId ?? 'unknown'}` },
        publishWatermark: (w) =>
          publishAthenaView(o.athena, { database: o.database, ...DEFAULT_VIEW_NAMES }, w),
      });
      return {
        watermark: result.watermark,
        compacted: result.compacted.map((e) => e.hour),
        skipped: result.skipped,
      };
    } catch (error) {
      if (!(error instanceof CompactionBusyError)) throw error;
      log(JSON.stringify({ busy: error.message }));
      return { busy: error.message, holder: error.holder };
    }
  };
}
