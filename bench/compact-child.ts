/**
 * One compaction of a lake in a process of its own, so its peak memory is its own: prints
 * `{ wallSeconds, maxRssMiB, hours, rows, bytesIn, bytesOut }` as JSON. Used by bench/compact.ts.
 */
import { compactLake } from '../compact/index.ts';
import { loadGzipCodec } from '../lib/gzip/index.ts';
import { createStorage } from '../storage/index.ts';

const [dir, before] = process.argv.slice(2);
if (!dir || !before) throw new Error('usage: compact-child.ts <lake> <before ISO>');
const started = performance.now();
const result = await compactLake({
  storage: await createStorage(dir),
  gzip: await loadGzipCodec(),
  before: new Date(before),
});
console.log(
  JSON.stringify({
    wallSeconds: (performance.now() - started) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    hours: result.compacted.length,
    objectsIn: result.compacted.reduce((n, e) => n + e.objects, 0),
    rows: result.compacted.reduce((n, e) => n + e.rows, 0),
    bytesIn: result.compacted.reduce((n, e) => n + e.bytesIn, 0),
    bytesOut: result.compacted.reduce((n, e) => n + e.bytesOut, 0),
  }),
);
