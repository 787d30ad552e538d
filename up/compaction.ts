/**
 * `up` compacts its own lake: closed hours become Parquet while the demo runs (docs/architecture.md,
 * "Compaction"), so the demo shows the compacted tier too. A failed run is reported and retried at the
 * next period; it never stops the pipeline.
 */

import { DEFAULT_COMPACTION_PREFIXES } from '../compact/layout.ts';
import { lockFolderLake } from '../compact/lock.ts';
import { compactLake } from '../compact/run.ts';
import { createStorage } from '../ingest/storage/index.ts';
import { formatBytes } from '../lib/bytes/index.ts';
import { describeError } from '../lib/errors/index.ts';
import { loadGzipCodec } from '../lib/gzip/index.ts';

/** One compaction of the lake folder; returns the line to print, or undefined when nothing changed. */
export async function compactUpLake(lake: string): Promise<string | undefined> {
  try {
    const release = await lockFolderLake(lake, DEFAULT_COMPACTION_PREFIXES.state);
    try {
      const result = await compactLake({ storage: await createStorage(lake), gzip: await loadGzipCodec() });
      if (result.compacted.length === 0 && result.skipped.length === 0) return undefined;
      const rows = result.compacted.reduce((n, e) => n + e.rows, 0);
      const objects = result.compacted.reduce((n, e) => n + e.objects, 0);
      const bytesOut = result.compacted.reduce((n, e) => n + e.bytesOut, 0);
      const skipped = result.skipped.map((s) => `${s.hour}: ${s.reason}`).join('; ');
      return `accesslake up: compacted ${result.compacted.length} closed hours (${objects} objects, ${rows} rows → ${formatBytes(bytesOut)} of Parquet; watermark ${result.watermark})${skipped ? `; skipped ${skipped}` : ''}`;
    } finally {
      await release();
    }
  } catch (error) {
    return `accesslake up: compaction failed, retried next period: ${describeError(error)}`;
  }
}
