/**
 * Bundles the agent into one file runnable with plain `node` (`npm run build:agent` →
 * dist/accesslake-agent.mjs): the agent command, its part of ingest's formats (for `--format` and
 * `--nginx-conf`) and the shared gzip module, nothing else of the project and no node_modules at run time.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds the bundle at `outfile` and returns its size in bytes. */
export async function buildAgentBundle(
  outfile = join(ROOT, 'dist', 'accesslake-agent.mjs'),
): Promise<number> {
  await build({
    entryPoints: [join(ROOT, 'bin', 'accesslake-agent.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    // Error classes keep their names (`AuthRejectedError`), which logs and `agent status` show.
    keepNames: true,
    legalComments: 'none',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
  return (await stat(outfile)).size;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2] ?? join(ROOT, 'dist', 'accesslake-agent.mjs');
  const size = await buildAgentBundle(out);
  // The figure README and docs/agent.md quote: the file, and what it weighs gzipped on the wire.
  const gzipped = gzipSync(await readFile(out), { level: 9 }).length;
  console.log(`${out}: ${(size / 1024).toFixed(1)} KiB (${(gzipped / 1024).toFixed(1)} KiB gzipped)`);
}
