/**
 * Rejected lines kept by the ingest under `<rejects>/` (docs/record.md, "Rejects"): list and read the
 * stored rejects objects (read.ts: `listRejectsKeys`, `readRejectsObject`, errors are `RejectsReadError`),
 * group them by reason for `accesslake rejects list` (list.ts), and replay a batch's rejected lines
 * through today's parser into the lake (replay.ts: `replayRejects`, idempotent per batch id).
 * Entry point for users: `accesslake rejects` (cli/commands/rejects.ts).
 */
export * from './list.ts';
export * from './read.ts';
export * from './replay.ts';
