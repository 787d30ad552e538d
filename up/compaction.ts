/**
 * `up` compacts its own lake: closed hours become Parquet while the demo runs (docs/architecture.md,
 * "Compaction"), so the demo shows the compacted tier too. A failed run is reported and retried at the
 * next period; it never stops the pipeline.
 */

import { CompactionBusyError, compactLake } from '../compact/index.ts';
import { formatBytes } from '../lib/bytes/index.ts';
import { describeError } from '../lib/errors/index.ts';
import { loadGzipCodec } from '../lib/gzip/index.ts';
import { createStorage } from '../storage/index.ts';

/** One compaction of the lake folder; returns the line to print, or undefined when nothing changed. */
export async function compactUpLake(lake: string): Promise<string | undefined> {
  try {
    const result = await compactLake({
      storage: await createStorage(lake),
      gzip: await loadGzipCodec(),
      lease: { owner: `accesslake up pid ${process.pid}` },
    });
    if (result.compacted.length === 0 && result.skipped.length === 0) return undefined;
    const rows = result.compacted.reduce((n, e) => n + e.rows, 0);
    const objects = result.compacted.reduce((n, e) => n + e.objects, 0);
    const bytesOut = result.compacted.reduce((n, e) => n + e.bytesOut, 0);
    const skipped = result.skipped.map((s) => `${s.hour}: ${s.reason}`).join('; ');
    return `accesslake up: compacted ${result.compacted.length} closed hours (${objects} objects, ${rows} rows → ${formatBytes(bytesOut)} of Parquet; watermark ${result.watermark})${skipped ? `; skipped ${skipped}` : ''}`;
  } catch (error) {
    if (error instanceof CompactionBusyError)
      return `accesslake up: compaction skipped this period: ${describeError(error)}`;
    return `accesslake up: compaction failed, retried next period: ${describeError(error)}`;
  }
}
