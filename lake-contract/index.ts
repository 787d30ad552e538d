/**
 * The lake contract, shared by everything that writes or reads the lake (ingest, compaction, the Glue and
 * Athena tables, DuckDB, reports, rejects replay, partition registration):
 *
 * - the canonical record (`canonical.ts`): `CanonicalRecord`, one JSON object per line, and
 *   `CANONICAL_COLUMNS`, the column names and Hive types every table and view is built from;
 * - the layout and key rules (`layout.ts`): `<data>/year=YYYY/month=MM/day=DD/hour=HH/<object>.jsonl.gz`,
 *   the rejects and batch-claim keys, `hourOf`/`partitionPath`, the source-label encoding and the batch
 *   id pattern (docs/record.md, "Lake layout");
 * - the names of its catalog (`defaults.ts`, `settings.ts`): Glue database, tables, crawler, Athena
 *   workgroups, and the settings rows that name the database and workgroup.
 *
 * Import this index, never the files behind it (dependency-cruiser checks it: .dependency-cruiser.cjs).
 */
export * from './canonical.ts';
export * from './compaction-layout.ts';
export * from './compaction-state.ts';
export * from './defaults.ts';
export * from './layout.ts';
export * from './settings.ts';
