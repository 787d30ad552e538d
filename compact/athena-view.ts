/**
 * The Athena side of the split: the view `access_logs` over the Parquet table (hours below the
 * watermark) and the JSON table (the rest), with the watermark written as a literal on partition columns
 * so Athena prunes partitions through the view. Made with `CREATE OR REPLACE VIEW` run in Athena, which
 * stores the view in the Glue catalog in the encoding Athena reads (a view made with Glue CreateTable
 * needs that encoding by hand). https://docs.aws.amazon.com/athena/latest/ug/create-view.html
 */

import type { HourKey } from '../lake-contract/index.ts';
import { CANONICAL_COLUMNS, GLUE_DEFAULTS } from '../lake-contract/index.ts';
import type { QueryEngine } from '../query/index.ts';

export interface ViewNames {
  database: string;
  /** The view. Default `access_logs`. */
  view: string;
  /** The JSON table. Default `access_logs_raw`. */
  raw: string;
  /** The Parquet table. Default `access_logs_compacted`. */
  compacted: string;
}

export const DEFAULT_VIEW_NAMES: Omit<ViewNames, 'database'> = {
  view: GLUE_DEFAULTS.view,
  raw: GLUE_DEFAULTS.table,
  compacted: GLUE_DEFAULTS.compactedTable,
};

/** Before the first compaction every hour is at or above this, so the view reads only JSON. */
export const NO_WATERMARK = '0000000000';

const PARTITIONS = ['year', 'month', 'day', 'hour'];

/** `CREATE OR REPLACE VIEW`, as Trino SQL; `watermark` null means nothing is compacted yet. */
export function createViewSql(names: ViewNames, watermark: HourKey | null): string {
  const w = watermark ?? NO_WATERMARK;
  if (!/^\d{10}$/.test(w)) throw new Error(`watermark ${JSON.stringify(w)} is not YYYYMMDDHH`);
  const columns = [...CANONICAL_COLUMNS.map(([name]) => name), ...PARTITIONS].map(quoteIdent).join(', ');
  const table = (name: string) => `${quoteIdent(names.database)}.${quoteIdent(name)}`;
  const hour = 'concat("year", "month", "day", "hour")';
  return `CREATE OR REPLACE VIEW ${table(names.view)} AS
SELECT ${columns} FROM ${table(names.compacted)} WHERE ${hour} < '${w}'
UNION ALL
SELECT ${columns} FROM ${table(names.raw)} WHERE ${hour} >= '${w}'`;
}

/** Replaces the view through Athena (the engine's workgroup and database). */
export async function publishAthenaView(engine: QueryEngine, names: ViewNames, watermark: HourKey | null) {
  await engine.query(createViewSql(names, watermark));
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
