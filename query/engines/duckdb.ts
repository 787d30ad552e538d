/**
 * The DuckDB engine: queries the local lake folder the file storage writes, through a view
 * `access_logs` over the compacted hours' Parquet objects and the later hours' `*.jsonl.gz`, split at
 * the compaction watermark (docs/architecture.md, "Compaction"), with hive partitions, plus the Trino
 * macros, so the SQL written for Athena runs here unchanged. The view is rebuilt before each query over
 * the files of the hours it asks for (`options.hours`), or of every hour.
 */

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  CANONICAL_COLUMNS,
  DEFAULT_COMPACTION_PREFIXES,
  DEFAULT_PREFIXES,
  GLUE_DEFAULTS,
} from '../../lake-contract/index.ts';
import { type SqlValue, sqlLiteral } from '../../lib/sql/index.ts';
import { enableReadStats, measureReads } from '../read-stats.ts';
import {
  type QueryColumn,
  type QueryEngine,
  QueryError,
  type QueryOptions,
  type QueryResult,
  safeInteger,
} from '../types.ts';
import { type LakeFiles, lakeFilesFor } from './lake-files.ts';
import { TRINO_MACROS } from './trino-macros.ts';

export interface DuckDbEngineOptions {
  /** The lake folder (a path or `file://` URL), as given to `accesslake serve --storage`. */
  lake: string;
  /** The data prefix inside the lake. Default `access_logs`. */
  dataPrefix?: string;
  /** The view's name. Default `access_logs`, the Glue table's name, so the SQL is the same. */
  table?: string;
}

const PARTITION_COLUMNS = ['year', 'month', 'day', 'hour'] as const;

// Hive types (CANONICAL_COLUMNS) → DuckDB types.
const DUCKDB_TYPES: Record<string, string> = {
  string: 'VARCHAR',
  int: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  'map<string,string>': 'MAP(VARCHAR, VARCHAR)',
};

/**
 * Opens an in-memory DuckDB over the lake. A lake that is empty or does not exist yet gives an empty
 * view with the same columns; the view switches to the files as soon as the first one appears.
 *
 * @example
 * const engine = await createDuckDbEngine({ lake: './lake' });
 * const { rows } = await engine.query('SELECT status, count(*) AS n FROM access_logs GROUP BY 1');
 */
export async function createDuckDbEngine(options: DuckDbEngineOptions): Promise<QueryEngine> {
  const root = options.lake.startsWith('file://') ? fileURLToPath(options.lake) : resolve(options.lake);
  const table = options.table ?? GLUE_DEFAULTS.view;
  const prefixes = { ...DEFAULT_COMPACTION_PREFIXES, raw: options.dataPrefix ?? DEFAULT_PREFIXES.data };

  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  // Athena runs in UTC; so must the macros' timestamp arithmetic and formatting.
  await connection.run("SET TimeZone = 'UTC'");
  for (const macro of TRINO_MACROS) await connection.run(macro);
  await enableReadStats(connection);

  const refreshView = async (hours: QueryOptions['hours']) => {
    const files = await lakeFilesFor(root, hours, prefixes);
    await connection.run(`CREATE OR REPLACE VIEW ${ident(table)} AS ${viewSql(files)}`);
    return files;
  };
  await refreshView(undefined);

  // One connection runs one statement at a time; queue callers rather than interleave them.
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  return {
    name: 'duckdb',
    query(sql, queryOptions) {
      const run = queue.then(async () => {
        if (closed) throw new QueryError('duckdb', 'the DuckDB engine is closed');
        // Only a query that names the view needs it rebuilt over the lake's files as they are now.
        if (sql.includes(table)) await refreshView(queryOptions?.hours);
        return runQuery(connection, sql, queryOptions?.params);
      });
      queue = run.catch(() => {});
      return run;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      connection.closeSync();
      instance.closeSync();
    },
  };
}

async function runQuery(
  connection: DuckDBConnection,
  sql: string,
  params: readonly SqlValue[] | undefined,
): Promise<QueryResult> {
  let reader: Awaited<ReturnType<DuckDBConnection['runAndReadAll']>>;
  let read: QueryResult['read'];
  try {
    ({ result: reader, read } = await measureReads(connection, () =>
      connection.runAndReadAll(sql, params ? [...params] : undefined),
    ));
  } catch (error) {
    throw new QueryError('duckdb', 'DuckDB could not run the query', { cause: error });
  }
  const names = reader.columnNames();
  const duckTypes = reader.columnTypes().map(String);
  const columns: QueryColumn[] = names.map((name, i) => ({ name, type: trinoTypeName(duckTypes[i] ?? '') }));
  const rows = reader.getRowsJS().map((values) => {
    const row: Record<string, unknown> = {};
    values.forEach((value, i) => {
      row[names[i] ?? `_col${i}`] = toPlain(value, duckTypes[i] ?? '');
    });
    return row;
  });
  return { columns, rows, read };
}

function viewSql(files: LakeFiles): string {
  const data = CANONICAL_COLUMNS.map(([name, type]) => [name, DUCKDB_TYPES[type] ?? 'VARCHAR'] as const);
  const selectList = [...data.map(([name]) => name), ...PARTITION_COLUMNS].map(ident).join(', ');
  if (files.parquet.length === 0 && files.rawGlobs.length === 0) {
    const empty = [
      ...data.map(([name, type]) => `CAST(NULL AS ${type}) AS ${ident(name)}`),
      ...PARTITION_COLUMNS.map((p) => `CAST(NULL AS VARCHAR) AS ${ident(p)}`),
    ];
    return `SELECT ${empty.join(', ')} WHERE false`;
  }
  const columns = data.map(([name, type]) => `${quote(name)}: ${quote(type)}`).join(', ');
  const hiveTypes = PARTITION_COLUMNS.map((p) => `${quote(p)}: 'VARCHAR'`).join(', ');
  const list = (paths: string[]) => `[${paths.map(quote).join(', ')}]`;
  const branches: string[] = [];
  if (files.parquet.length > 0) {
    // The Parquet columns have the JSON table's types already; the casts pin them for the UNION.
    const typed = [
      ...data.map(([name, type]) => `CAST(${ident(name)} AS ${type}) AS ${ident(name)}`),
      ...PARTITION_COLUMNS.map(ident),
    ];
    branches.push(
      `SELECT ${typed.join(', ')} FROM read_parquet(${list(files.parquet)}, hive_partitioning = true, hive_types = {${hiveTypes}})`,
    );
  }
  if (files.rawGlobs.length > 0) {
    // Partition values stay strings ('01', not 1), as in the Glue table, so concat(year, month, day, hour)
    // gives the same YYYYMMDDHH on both engines. Explicit columns ignore unknown keys and fix the types.
    branches.push(
      `SELECT ${selectList} FROM read_json(${list(files.rawGlobs)}, format = 'newline_delimited', hive_partitioning = true, hive_types = {${hiveTypes}}, columns = {${columns}})`,
    );
  }
  return branches.join(' UNION ALL ');
}

/** DuckDB's type spelling → Trino's, so both engines describe columns alike. */
function trinoTypeName(duck: string): string {
  if (duck.endsWith('[]')) return `array(${trinoTypeName(duck.slice(0, -2))})`;
  if (duck.startsWith('MAP(')) {
    const [k, v] = duck.slice(4, -1).split(', ');
    return `map(${trinoTypeName(k ?? '')}, ${trinoTypeName(v ?? '')})`;
  }
  if (duck.startsWith('DECIMAL')) return duck.toLowerCase();
  const names: Record<string, string> = {
    VARCHAR: 'varchar',
    BOOLEAN: 'boolean',
    TINYINT: 'tinyint',
    SMALLINT: 'smallint',
    INTEGER: 'integer',
    BIGINT: 'bigint',
    HUGEINT: 'bigint',
    UTINYINT: 'smallint',
    USMALLINT: 'integer',
    UINTEGER: 'bigint',
    UBIGINT: 'bigint',
    FLOAT: 'real',
    DOUBLE: 'double',
    DATE: 'date',
    TIMESTAMP: 'timestamp',
    'TIMESTAMP WITH TIME ZONE': 'timestamp with time zone',
  };
  return names[duck] ?? duck.toLowerCase();
}

function toPlain(value: unknown, duckType: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return safeInteger(value);
  if (value instanceof Date)
    return duckType === 'DATE' ? value.toISOString().slice(0, 10) : value.toISOString();
  if (Array.isArray(value)) {
    if (duckType.startsWith('MAP(')) {
      const entries = value as { key: unknown; value: unknown }[];
      return Object.fromEntries(entries.map((e) => [String(e.key), toPlain(e.value, '')]));
    }
    const inner = duckType.endsWith('[]') ? duckType.slice(0, -2) : '';
    return value.map((v) => toPlain(v, inner));
  }
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v, '')]));
  }
  return value;
}

const quote = (s: string) => sqlLiteral(s);
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
