/**
 * `accesslake up` (and `npm start`): the whole pipeline on one machine with no AWS account. Ingest
 * writes the lake into a folder, a generator (or a real log) feeds the agent, and DuckDB summarizes the
 * lake every few seconds. See docs/quickstart.md.
 */
export { formatSummary } from './format.ts';
export { resolveUpOptions, UP_SETTINGS, type UpOptions, type UpSettings } from './options.ts';
export { runDir, runUp, type UpIo, type UpResult } from './run.ts';
