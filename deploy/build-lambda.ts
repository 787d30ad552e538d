/**
 * Bundles the Lambdas with esbuild, each into one ESM file and a zip: the ingest (`functions/ingest.ts`
 * → `dist/lambda/ingest/index.mjs`, `dist/lambda/ingest.zip`), the scheduled report
 * (`functions/report.ts` → `dist/lambda/report.zip`) and the scheduled compaction (`functions/compact.ts`
 * → `dist/lambda/compact.zip`), which the CDK stack deploys as they are. DuckDB
 * and the CLI are never imported by a handler; the build fails if either sneaks in.
 *
 *   npm run build:lambda            # prints the bundle and zip sizes
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { zipSync } from 'fflate';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface LambdaBundle {
  /** The folder holding `index.mjs`. */
  dir: string;
  /** The deployment package (`index.mjs` at its root). */
  zipPath: string;
  bundleBytes: number;
  zipBytes: number;
  /** Source files that went into the bundle, relative to the repository. */
  inputs: string[];
}

/**
 * The newest Node runtime Lambda offers (nodejs24.x, on the Lambda runtimes page,
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html) and the esbuild target matching it.
 * test/runtimes runs the bundle's tests on Node 24 too (docs/deploy.md says how).
 */
export const LAMBDA_NODE_RUNTIME = 'nodejs24.x';
export const LAMBDA_NODE_TARGET = 'node24';

/** The Lambdas `npm run build:lambda` builds: zip name → entry. */
export const LAMBDA_ENTRIES = {
  ingest: 'functions/ingest.ts',
  report: 'functions/report.ts',
  compact: 'functions/compact.ts',
} as const;

/** Modules that must never reach the Lambda zip: the native DuckDB engine and the CLI. */
const FORBIDDEN_INPUTS = [/node_modules\/@duckdb\//, /^cli\//, /node_modules\/tsx\//];

export async function buildLambdaBundle(
  options: { outDir?: string; entry?: string; name?: string } = {},
): Promise<LambdaBundle> {
  const outDir = options.outDir ?? join(REPO_ROOT, 'dist', 'lambda');
  const name = options.name ?? 'ingest';
  const dir = join(outDir, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [options.entry ?? 'functions/ingest.ts'],
    outfile: join(dir, 'index.mjs'),
    bundle: true,
    platform: 'node',
    // Lambda's nodejs24.x runtime (LAMBDA_NODE_RUNTIME); the handler uses top-level await, which
    // needs ESM (.mjs).
    target: LAMBDA_NODE_TARGET,
    format: 'esm',
    mainFields: ['module', 'main'],
    minify: true,
    keepNames: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    // Some CommonJS dependencies of the AWS SDK call require('node:…'); ESM output needs a require.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  const inputs = Object.keys(result.metafile.inputs);
  const forbidden = inputs.filter((input) => FORBIDDEN_INPUTS.some((re) => re.test(input)));
  if (forbidden.length > 0) {
    throw new Error(`the Lambda bundle must not contain ${forbidden.join(', ')}: check functions/ imports`);
  }
  const code = await readFile(join(dir, 'index.mjs'));
  // A fixed mtime keeps the zip byte-identical for identical code, so CDK sees no change to deploy.
  const zip = zipSync({ 'index.mjs': [code, { level: 9, mtime: new Date('2020-01-01T00:00:00Z') }] });
  const zipPath = join(outDir, `${name}.zip`);
  await writeFile(zipPath, zip);
  return { dir, zipPath, bundleBytes: code.byteLength, zipBytes: zip.byteLength, inputs };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
    const bundle = await buildLambdaBundle({ name, entry });
    console.log(
      `lambda ${name}: ${bundle.dir}/index.mjs ${kib(bundle.bundleBytes)}, ${bundle.zipPath} ${kib(bundle.zipBytes)} (${bundle.inputs.length} modules)`,
    );
  }
}
